/**
 * The lab's settings: everything a run depends on (data, range, models, hyperparameters, seeds, the tutorial's
 * mistakes), their defaults (the tutorial's, as `rnnlab compare` has them), their URL-hash form (a link
 * reproduces a run exactly) and the equivalent `rnnlab compare` command.
 */
import { MODEL_KINDS, type ModelKind } from 'rnnlab/forecast';

/** The tutorial's mistakes that the lab can switch on, one by one. */
export const MISTAKES = ['reversed', 'trainAsVal', 'leakyScaler', 'brnnAllPositions', 'biasBug'] as const;
export type Mistake = (typeof MISTAKES)[number];

export interface LabSettings {
  /** 'dji' (the shipped Dow Jones file) or 'file' (a CSV the user dropped; the link cannot carry its contents). */
  data: 'dji' | 'file';
  /** The file's name when data is 'file' (shown in the page and in the CLI command). */
  fileName: string;
  /** Inclusive date range `YYYY-MM-DD:YYYY-MM-DD`; '' = every row of the file. */
  range: string;
  models: ModelKind[];
  hidden: number;
  layers: number;
  seqLen: number;
  target: 'close' | 'log_return';
  /** Days ahead forecast recursively and scored per step (1 = next day, as the tutorial). */
  horizon: number;
  epochs: number;
  lr: number;
  batchSize: number;
  /** First seed; runs use seed, seed+1, …, seed+seeds−1 (as `rnnlab compare --seed S --seeds N`). */
  seed: number;
  seeds: number;
  /** Tutorial mode: also run the models with `mistakes` and show both side by side. */
  tutorial: boolean;
  mistakes: Mistake[];
}

/** The tutorial's window of the shipped file (as `rnnlab compare` uses it). */
export const DJI_RANGE = '2019-03-25:2024-03-20';

export const DEFAULTS: Readonly<LabSettings> = Object.freeze({
  data: 'dji',
  fileName: '',
  range: DJI_RANGE,
  models: [...MODEL_KINDS],
  hidden: 64,
  layers: 2,
  seqLen: 16,
  target: 'close',
  horizon: 1,
  epochs: 20,
  lr: 1e-3,
  batchSize: 16,
  seed: 0,
  seeds: 3,
  tutorial: false,
  mistakes: [...MISTAKES],
});

/** Bounds the page enforces (the browser trains on one core per model; larger runs belong to the CLI). */
export const LIMITS = {
  hidden: [1, 512],
  layers: [1, 4],
  seqLen: [2, 128],
  horizon: [1, 10],
  epochs: [1, 500],
  batchSize: [1, 1024],
  seed: [0, 0xffffffff],
  seeds: [1, 10],
  lr: [1e-6, 1],
} as const satisfies Record<string, readonly [number, number]>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const INT_FIELDS = ['hidden', 'layers', 'seqLen', 'horizon', 'epochs', 'batchSize', 'seed', 'seeds'] as const;

/** Checks every field and returns the first problem, worded for the page, or null. */
export function settingsProblem(s: LabSettings): string | null {
  for (const f of INT_FIELDS) {
    const [lo, hi] = LIMITS[f];
    const v = s[f];
    if (!Number.isInteger(v) || v < lo || v > hi)
      return `${f} must be an integer from ${lo} to ${hi}, got ${v}`;
  }
  const [lo, hi] = LIMITS.lr;
  if (!(s.lr >= lo && s.lr <= hi)) return `learning rate must be between ${lo} and ${hi}, got ${s.lr}`;
  if (s.models.length === 0) return `choose at least one model (${MODEL_KINDS.join(', ')})`;
  if (s.range !== '' && !/^(\d{4}-\d{2}-\d{2})?:(\d{4}-\d{2}-\d{2})?$/.test(s.range))
    return `range must be START:END with dates YYYY-MM-DD, got '${s.range}'`;
  return null;
}

/**
 * The hash form: `#` + URLSearchParams of the fields that differ from the defaults, in a fixed order (so one
 * setting has one link). `parseHash(toHash(s))` is `s`, except a dropped file's contents, which a link cannot hold.
 */
export function toHash(s: LabSettings): string {
  const p = new URLSearchParams();
  const put = (k: string, v: string, d: string) => {
    if (v !== d) p.set(k, v);
  };
  put('data', s.data, DEFAULTS.data);
  if (s.data === 'file') p.set('file', s.fileName);
  put('range', s.range, s.data === 'dji' ? DJI_RANGE : '');
  put('models', s.models.join(','), DEFAULTS.models.join(','));
  for (const f of INT_FIELDS) put(f, String(s[f]), String(DEFAULTS[f]));
  put('target', s.target, DEFAULTS.target);
  put('lr', String(s.lr), String(DEFAULTS.lr));
  put('tutorial', s.tutorial ? '1' : '0', '0');
  put('mistakes', s.mistakes.join(','), DEFAULTS.mistakes.join(','));
  const q = p.toString();
  return q === '' ? '' : `#${q}`;
}

/** Settings from a location hash (with or without '#'); throws SettingsError naming the bad field and the fix. */
export function parseHash(hash: string): LabSettings {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const s: LabSettings = { ...DEFAULTS, models: [...DEFAULTS.models], mistakes: [...DEFAULTS.mistakes] };
  const known = new Set([
    'data',
    'file',
    'range',
    'models',
    'target',
    'lr',
    'tutorial',
    'mistakes',
    ...INT_FIELDS,
  ]);
  for (const k of p.keys())
    if (!known.has(k))
      throw new SettingsError(`unknown setting '${k}' in the link; known: ${[...known].join(', ')}`);
  const data = p.get('data');
  if (data !== null) {
    if (data !== 'dji' && data !== 'file')
      throw new SettingsError(`data must be 'dji' or 'file', got '${data}'`);
    s.data = data;
    if (data === 'file') {
      s.fileName = p.get('file') ?? '';
      s.range = '';
    }
  }
  const range = p.get('range');
  if (range !== null) s.range = range;
  const models = p.get('models');
  if (models !== null) {
    const list = models.split(',').filter(Boolean);
    for (const m of list)
      if (!MODEL_KINDS.includes(m as ModelKind))
        throw new SettingsError(`unknown model '${m}' in the link; choose from ${MODEL_KINDS.join(', ')}`);
    s.models = MODEL_KINDS.filter((m) => list.includes(m));
  }
  for (const f of INT_FIELDS) {
    const v = p.get(f);
    if (v !== null) s[f] = strictNumber(f, v);
  }
  const lr = p.get('lr');
  if (lr !== null) s.lr = strictNumber('lr', lr);
  const target = p.get('target');
  if (target !== null) {
    if (target !== 'close' && target !== 'log_return')
      throw new SettingsError(`target must be 'close' or 'log_return', got '${target}'`);
    s.target = target;
  }
  const tutorial = p.get('tutorial');
  if (tutorial !== null) s.tutorial = tutorial === '1';
  const mistakes = p.get('mistakes');
  if (mistakes !== null) {
    const list = mistakes.split(',').filter(Boolean);
    for (const m of list)
      if (!MISTAKES.includes(m as Mistake))
        throw new SettingsError(`unknown mistake '${m}' in the link; choose from ${MISTAKES.join(', ')}`);
    s.mistakes = MISTAKES.filter((m) => list.includes(m));
  }
  const problem = settingsProblem(s);
  if (problem !== null) throw new SettingsError(`the link's settings are invalid: ${problem}`);
  return s;
}

function strictNumber(field: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n))
    throw new SettingsError(`${field} must be a number, got '${v}'`);
  return n;
}

/** Quotes a shell word when it needs it (POSIX single quotes). */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `rnnlab compare` command that trains the same runs (the same seeds give the same numbers). Tutorial mode
 * has no CLI equivalent: the CLI only does it right, so the command is the "done right" half.
 */
export function cliCommand(s: LabSettings): string {
  const a = ['rnnlab', 'compare'];
  if (s.data === 'file') a.push('--csv', shellWord(s.fileName || 'your-file.csv'));
  if (s.range !== (s.data === 'dji' ? DJI_RANGE : ''))
    a.push('--range', shellWord(s.range === '' ? ':' : s.range));
  if (s.models.join(',') !== DEFAULTS.models.join(',')) a.push('--models', s.models.join(','));
  const flag = (name: string, v: number | string, d: number | string) => {
    if (v !== d) a.push(name, String(v));
  };
  flag('--hidden', s.hidden, DEFAULTS.hidden);
  flag('--layers', s.layers, DEFAULTS.layers);
  flag('--seq-len', s.seqLen, DEFAULTS.seqLen);
  flag('--target', s.target, DEFAULTS.target);
  flag('--horizon', s.horizon, DEFAULTS.horizon);
  flag('--epochs', s.epochs, DEFAULTS.epochs);
  flag('--lr', s.lr, DEFAULTS.lr);
  flag('--batch-size', s.batchSize, DEFAULTS.batchSize);
  flag('--seed', s.seed, DEFAULTS.seed);
  flag('--seeds', s.seeds, DEFAULTS.seeds);
  return a.join(' ');
}

/** The seeds of a run: seed, seed+1, …, seed+seeds−1 (as `rnnlab compare --seed S --seeds N`). */
export function seedList(s: Pick<LabSettings, 'seed' | 'seeds'>): number[] {
  return Array.from({ length: s.seeds }, (_, i) => s.seed + i);
}
