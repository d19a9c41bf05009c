/**
 * The lab page: settings form ⇄ URL hash, data (the shipped Dow Jones file or a dropped CSV, range brush),
 * training in a pool of Web Workers with live charts, then the engine's own summary (metrics, significance,
 * intervals, verdict), tutorial-mode scenarios side by side, the cells view and downloads.
 */
import { kernelBuild } from 'rnnlab';
import { type PriceSeries, parsePriceCsv, readPriceCsvBlob, sliceByDate } from 'rnnlab/data';
import {
  type CompareResults,
  type DataConfig,
  encodeCheckpoint,
  evalSet,
  MODEL_KINDS,
  MODEL_LABELS,
  type ModelJob,
  type ModelKind,
  type ModelResult,
  resultsJson,
  runCheckpointData,
  type Summary,
} from 'rnnlab/forecast';
import { ForecastChart, LossChart } from './charts/line_charts.js';
import { OverviewChart } from './charts/overview_chart.js';
import { MODEL_COLORS } from './charts/palette.js';
import {
  aloneScenarios,
  buildScenario,
  MISTAKE_INFO,
  type Scenario,
  type ScenarioRow,
  scoreScenario,
  summarizeScenario,
} from './mistakes.js';
import { type RunOutcome, StoppedError, WorkerPool } from './pool.js';
import {
  cliCommand,
  DEFAULTS,
  DJI_RANGE,
  type LabSettings,
  MISTAKES,
  type Mistake,
  parseHash,
  SettingsError,
  seedList,
  settingsProblem,
  toHash,
} from './settings.js';
import { mountCells } from './ui/cells_view.js';
import { byId, download, el, overflowHint } from './ui/dom.js';
import { renderMistakes } from './ui/mistakes_view.js';
import { renderHorizon, renderMetrics, renderVerdict } from './ui/results_view.js';

/** What automation (and the tests) can read: `window.rnnlabLab`. */
export interface LabHook {
  settings: LabSettings;
  /** 'loading' (until the data is in) | 'idle' | 'training' | 'paused' | 'done' | 'stopped' | 'error' */
  state: string;
  results: CompareResults | null;
  /** Tutorial mode: the scores of "done right" and "with the mistakes". */
  tutorial: { right: ScenarioRow[]; wrong: ScenarioRow[] } | null;
  runs: Array<{ scenario: string; kind: ModelKind; seed: number; valLoss: number[]; trainLoss: number[] }>;
  /** Milliseconds of the last training (all runs). */
  trainMs: number;
  /** The WebAssembly kernel build this browser runs ('relaxed-simd' or 'simd'). */
  kernels: string;
}

const hook: LabHook = {
  settings: { ...DEFAULTS },
  state: 'loading',
  results: null,
  tutorial: null,
  runs: [],
  trainMs: 0,
  kernels: kernelBuild,
};
(window as unknown as { rnnlabLab: LabHook }).rnnlabLab = hook;

const form = byId<HTMLFormElement>('settings');
const status = byId('status');
const settingsError = byId('settings-error');
const dataError = byId('data-error');
const buttons = {
  train: byId<HTMLButtonElement>('train'),
  pause: byId<HTMLButtonElement>('pause'),
  stop: byId<HTMLButtonElement>('stop'),
};
const numberFields = [
  'hidden',
  'layers',
  'seqLen',
  'horizon',
  'epochs',
  'lr',
  'batchSize',
  'seed',
  'seeds',
] as const;

const overview = new OverviewChart(byId<HTMLCanvasElement>('overview'), (from, to) => {
  byId<HTMLInputElement>('from').value = from;
  byId<HTMLInputElement>('to').value = to;
  settingsChanged();
});
const lossChart = new LossChart(byId<HTMLCanvasElement>('loss-chart'));
const liveChart = new ForecastChart(byId<HTMLCanvasElement>('live-chart'), 'index points');
const forecastChart = new ForecastChart(byId<HTMLCanvasElement>('forecast-chart'), 'index points');
const workerUrl = new URL('./worker.js', import.meta.url);
let pool: WorkerPool | null = null;

/** A link made with the user's own file: its name and range, applied when that file is dropped. */
let pendingFile: { name: string; range: string } | null = null;
/** The file the runs use: the shipped series or the user's. */
let whole: PriceSeries | null = null;
let unit = 'index points';
let last: { summary: Summary; scenario: Scenario; runs: ModelResult[] } | null = null;
let cells: { destroy(): void } | null = null;

/** The last tutorial-mode run, for measuring each mistake alone afterwards. */
interface ScenarioRuns {
  runs: ModelResult[];
  summary: Summary;
  allPositions: Map<string, Float64Array>;
}
let tutorial: {
  s: LabSettings;
  series: PriceSeries;
  cfg: DataConfig;
  seeds: number[];
  right: ScenarioRuns;
  rightRows: ScenarioRow[];
  wrongRows: ScenarioRow[];
  notes: readonly string[];
} | null = null;

// ---- settings ⇄ form ⇄ hash ----

function fillForm(s: LabSettings): void {
  for (const f of numberFields) byId<HTMLInputElement>(f).value = String(s[f]);
  byId<HTMLSelectElement>('target').value = s.target;
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name=model]'))
    box.checked = s.models.includes(box.value as ModelKind);
  byId<HTMLInputElement>('tutorial').checked = s.tutorial;
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name=mistake]'))
    box.checked = s.mistakes.includes(box.value as Mistake);
  const [from, to] = s.range.split(':');
  byId<HTMLInputElement>('from').value = from ?? '';
  byId<HTMLInputElement>('to').value = to ?? '';
}

function readForm(): LabSettings {
  const s: LabSettings = { ...hook.settings };
  for (const f of numberFields) s[f] = Number(byId<HTMLInputElement>(f).value);
  s.target = byId<HTMLSelectElement>('target').value as LabSettings['target'];
  s.models = MODEL_KINDS.filter(
    (k) => form.querySelector<HTMLInputElement>(`input[name=model][value=${k}]`)?.checked,
  );
  s.tutorial = byId<HTMLInputElement>('tutorial').checked;
  s.mistakes = MISTAKES.filter(
    (m) => form.querySelector<HTMLInputElement>(`input[name=mistake][value=${m}]`)?.checked,
  );
  const from = byId<HTMLInputElement>('from').value;
  const to = byId<HTMLInputElement>('to').value;
  s.range = from === '' && to === '' ? '' : `${from}:${to}`;
  if (whole && s.range !== '' && from <= whole.dates[0] && to >= whole.dates[whole.rows - 1]) s.range = '';
  return s;
}

function settingsChanged(): void {
  const s = readForm();
  hook.settings = s;
  const problem = settingsProblem(s);
  showError(settingsError, problem);
  history.replaceState(null, '', toHash(s) || location.pathname + location.search);
  byId('cli').textContent = '';
  if (whole && problem === null) {
    const [from, to] = rangeOf(s);
    overview.select(from, to);
  }
}

function rangeOf(s: LabSettings): [string, string] {
  const dates = whole?.dates ?? [];
  const [from, to] = s.range.split(':');
  return [from || dates[0] || '', to || dates[dates.length - 1] || ''];
}

function showError(target: HTMLElement, message: string | null): void {
  target.hidden = message === null;
  target.textContent = message ?? '';
}

// ---- data ----

function useSeries(series: PriceSeries, source: string, kind: 'dji' | 'file'): void {
  whole = series;
  unit = kind === 'dji' ? 'index points' : 'price';
  hook.settings.data = kind;
  hook.settings.fileName = kind === 'file' ? source : '';
  byId('data-source').textContent =
    `${source}: ${series.rows} rows, ${series.dates[0]}..${series.dates[series.rows - 1]}` +
    (series.warnings.length > 0
      ? ` (${series.warnings.length} warning${series.warnings.length > 1 ? 's' : ''}: ${series.warnings[0]})`
      : '');
  byId('use-dji').hidden = kind === 'dji';
  const close = series.columns.close;
  overview.setSeries(series.dates, close, unit);
  liveChart.setUnit(unit);
  forecastChart.setUnit(unit);
  for (const id of ['from', 'to']) {
    const input = byId<HTMLInputElement>(id);
    input.min = series.dates[0];
    input.max = series.dates[series.rows - 1];
  }
  settingsChanged();
}

async function loadDji(range = DJI_RANGE): Promise<void> {
  const res = await fetch('dji.csv');
  if (!res.ok) throw new Error(`could not load dji.csv from this page's folder: HTTP ${res.status}`);
  const series = parsePriceCsv(await res.text(), 'dji.csv');
  const [from, to] = range.split(':');
  byId<HTMLInputElement>('from').value = from ?? '';
  byId<HTMLInputElement>('to').value = to ?? '';
  useSeries(series, 'dji.csv (Dow Jones Industrial Average, daily)', 'dji');
}

async function loadFile(file: File): Promise<void> {
  showError(dataError, null);
  try {
    const series = await readPriceCsvBlob(file, { sourceName: file.name });
    const [from, to] = pendingFile?.name === file.name ? pendingFile.range.split(':') : ['', ''];
    pendingFile = null;
    byId<HTMLInputElement>('from').value = from ?? '';
    byId<HTMLInputElement>('to').value = to ?? '';
    useSeries(series, file.name, 'file');
  } catch (e) {
    showError(dataError, messageOf(e));
  }
}

// ---- training ----

/** An error's message, for the page. */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Ends a batch of runs that was stopped (`stoppedText` in the status line) or failed (the error shown). */
function runsFailed(e: unknown, stoppedText: string): void {
  pool?.stop();
  setBusy(false);
  if (e instanceof StoppedError) {
    hook.state = 'stopped';
    status.textContent = stoppedText;
  } else {
    hook.state = 'error';
    status.textContent = 'Training failed.';
    showError(settingsError, messageOf(e));
  }
}

function job(s: LabSettings, kind: ModelKind, seed: number, sc: Scenario): ModelJob {
  return {
    kind,
    seed,
    model: { hiddenSize: s.hidden, numLayers: s.layers },
    train: { epochs: s.epochs, lr: s.lr, batchSize: s.batchSize },
    target: sc.jobTarget(kind),
  };
}

interface ProgressRow {
  bar: HTMLProgressElement;
  epoch: HTMLElement;
  done: number;
  total: number;
}

function progressRows(s: LabSettings, scenarios: readonly Scenario[]): Map<ModelKind, ProgressRow> {
  const root = byId('progress');
  const rows = new Map<ModelKind, ProgressRow>();
  root.replaceChildren();
  const runsPerModel = s.seeds * scenarios.length;
  for (const k of s.models) {
    const bar = el('progress', {
      max: String(s.epochs * runsPerModel),
      value: '0',
      'aria-label': `${MODEL_LABELS[k]} progress`,
    });
    const epoch = el('span', { class: 'epoch', 'data-testid': `epoch-${k}` }, [`epoch 0/${s.epochs}`]);
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = MODEL_COLORS[k];
    root.append(el('div', { class: 'run-row' }, [el('span', {}, [swatch, MODEL_LABELS[k]]), bar, epoch]));
    rows.set(k, { bar, epoch, done: 0, total: s.epochs * runsPerModel });
  }
  return rows;
}

function setBusy(busy: boolean): void {
  buttons.train.disabled = busy;
  buttons.pause.disabled = !busy;
  buttons.stop.disabled = !busy;
  buttons.pause.textContent = 'Pause';
  for (const e of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
    'fieldset input, fieldset select',
  ))
    e.disabled = busy;
}

async function train(): Promise<void> {
  const s = readForm();
  const problem = settingsProblem(s);
  if (problem !== null) return showError(settingsError, problem);
  if (whole === null)
    return showError(settingsError, 'No data loaded yet: wait for the Dow Jones file or drop a CSV.');
  showError(settingsError, null);
  hook.settings = s;
  let scenarios: Scenario[];
  const series = s.range === '' ? whole : sliceByDate(whole, s.range);
  const cfg = { target: s.target, seqLen: s.seqLen, horizon: s.horizon };
  tutorial = null;
  try {
    scenarios = [buildScenario(series, cfg, [], 'right')];
    if (s.tutorial && s.mistakes.length > 0)
      scenarios.push(buildScenario(series, cfg, s.mistakes, 'mistakes'));
  } catch (e) {
    return showError(settingsError, messageOf(e));
  }
  const right = scenarios[0];
  const d = right.data;
  const seeds = seedList(s);
  const rows = progressRows(s, scenarios);
  const labels: Record<string, string> = { ...MODEL_LABELS };
  lossChart.reset(s.models, labels, s.epochs);
  const val = evalSet(d, 'val');
  const valDates = val.dates;
  const valActual = Array.from({ length: val.ids.length }, (_, i) => val.actual[i * val.H]);
  const liveLines = new Map<ModelKind, { epoch: number; values: Float64Array }>();
  liveChart.draw(valDates, valActual, []);
  const split = d.split;
  overview.shadePeriods([
    { from: d.dates[0], to: d.dates[split.trainEnd - 1], color: 'rgba(29, 78, 216, 0.08)', label: 'train' },
    {
      from: d.dates[split.val.start],
      to: d.dates[split.val.end - 1],
      color: 'rgba(245, 158, 11, 0.15)',
      label: 'val',
    },
    {
      from: d.dates[split.test.start],
      to: d.dates[d.dates.length - 1],
      color: 'rgba(4, 120, 87, 0.12)',
      label: 'test',
    },
  ]);
  hook.state = 'training';
  hook.results = null;
  hook.tutorial = null;
  hook.runs = [];
  setBusy(true);
  const total = scenarios.length * seeds.length * s.models.length;
  let finished = 0;
  status.textContent = `Training ${total} run${total > 1 ? 's' : ''} (${s.models.length} model${s.models.length > 1 ? 's' : ''} × ${seeds.length} seed${seeds.length > 1 ? 's' : ''}${scenarios.length > 1 ? ' × done right and with the mistakes' : ''}) on ${Math.min(pool!.size, total)} worker${pool!.size > 1 ? 's' : ''}…`;
  const t0 = performance.now();
  const results = new Map<string, RunOutcome>();
  const tasks = scenarios.flatMap((sc) =>
    seeds.flatMap((seed) =>
      s.models.map(async (kind) => {
        const live = sc.id === 'right' && seed === seeds[0];
        const row = rows.get(kind)!;
        const outcome = await pool!.run(
          { data: sc.data, job: job(s, kind, seed, sc), live, allPositions: sc.scoreAllPositions(kind) },
          {
            onEpoch: (record, epochs, valForecast) => {
              row.done++;
              row.bar.value = row.done;
              row.epoch.textContent = `epoch ${record.epoch}/${epochs}${s.seeds > 1 || scenarios.length > 1 ? ` · ${Math.floor(row.done / epochs)}/${row.total / epochs} runs` : ''}`;
              if (!live) return;
              lossChart.add(kind, labels, record.epoch, record.trainLoss, record.valLoss);
              if (valForecast) {
                liveLines.set(kind, { epoch: record.epoch, values: valForecast });
                liveChart.draw(
                  valDates,
                  valActual,
                  s.models
                    .filter((k) => liveLines.has(k))
                    .map((k) => ({
                      name: k,
                      label: `${MODEL_LABELS[k]} (epoch ${liveLines.get(k)!.epoch})`,
                      color: MODEL_COLORS[k],
                      values: Array.from(
                        { length: val.ids.length },
                        (_, i) => liveLines.get(k)!.values[i * val.H],
                      ),
                    })),
                );
              }
            },
          },
        );
        results.set(`${sc.id}:${kind}:${seed}`, outcome);
        finished++;
        status.textContent = `Training: ${finished} of ${total} runs done…`;
        hook.runs.push({
          scenario: sc.id,
          kind,
          seed,
          valLoss: outcome.result.history.map((h) => h.valLoss),
          trainLoss: outcome.result.history.map((h) => h.trainLoss),
        });
      }),
    ),
  );
  try {
    await Promise.all(tasks);
  } catch (e) {
    return runsFailed(e, `Stopped after ${finished} of ${total} runs. Press Train to start again.`);
  }
  hook.trainMs = performance.now() - t0;
  const summaries = scenarios.map((sc) => {
    const runs = seeds.flatMap((seed) => s.models.map((k) => results.get(`${sc.id}:${k}:${seed}`)!.result));
    const summary = summarizeScenario(sc, runs, seeds, unit);
    const allPositions = new Map<string, Float64Array>();
    for (const seed of seeds)
      for (const k of s.models) {
        const a = results.get(`${sc.id}:${k}:${seed}`)!.allPositions;
        if (a) allPositions.set(`${k}:${seed}`, a);
      }
    return { sc, runs, summary, allPositions };
  });
  const main = summaries[0];
  last = { summary: main.summary, scenario: right, runs: main.runs };
  hook.results = main.summary.results;
  showResults(s, main.summary, main.runs);
  if (summaries.length > 1) {
    const rightRows = scoreScenario(right, main.summary, main.runs, main.allPositions);
    const w = summaries[1];
    const wrongRows = scoreScenario(w.sc, w.summary, w.runs, w.allPositions);
    hook.tutorial = { right: rightRows, wrong: wrongRows };
    byId('tutorial-section').hidden = false;
    renderMistakes(byId('mistakes-table'), rightRows, wrongRows, s.mistakes, unit, undefined, w.sc.notes);
    tutorial = { s, series, cfg, seeds, right: main, rightRows, wrongRows, notes: w.sc.notes };
    byId<HTMLButtonElement>('alone').hidden = s.mistakes.length < 2;
  } else byId('tutorial-section').hidden = true;
  setBusy(false);
  hook.state = 'done';
  status.textContent = `Done: ${total} runs in ${(hook.trainMs / 1000).toFixed(1)} s.`;
}

/**
 * Tutorial mode, second step: each selected mistake on its own. Runs whose data and target equal done right's
 * (the bias bug; the other models beside the all-positions BRNN) are reused, not retrained.
 */
async function measureAlone(): Promise<void> {
  const c = tutorial;
  if (c === null || pool === null) return;
  const { s, seeds } = c;
  const scenarios = aloneScenarios(c.series, c.cfg, s.mistakes);
  const sameData = (sc: Scenario) => sc.mistakes.every((m) => m === 'biasBug' || m === 'brnnAllPositions');
  const reuse = (sc: Scenario, kind: ModelKind) => sameData(sc) && !sc.scoreAllPositions(kind);
  const right = new Map(c.right.runs.map((r) => [`${r.kind}:${r.seed}`, r]));
  const todo = scenarios.flatMap((sc) =>
    seeds.flatMap((seed) => s.models.filter((k) => !reuse(sc, k)).map((kind) => ({ sc, seed, kind }))),
  );
  setBusy(true);
  hook.state = 'training';
  let done = 0;
  status.textContent = `Measuring each mistake alone: ${todo.length} more runs…`;
  const outcomes = new Map<string, RunOutcome>();
  try {
    await Promise.all(
      todo.map(async ({ sc, seed, kind }) => {
        const o = await pool!.run({
          data: sc.data,
          job: job(s, kind, seed, sc),
          live: false,
          allPositions: sc.scoreAllPositions(kind),
        });
        outcomes.set(`${sc.id}:${kind}:${seed}`, o);
        status.textContent = `Measuring each mistake alone: ${++done} of ${todo.length} runs done…`;
      }),
    );
  } catch (e) {
    return runsFailed(e, 'Stopped.');
  }
  const alone = scenarios.map((sc) => {
    const runs: ModelResult[] = [];
    const allPositions = new Map<string, Float64Array>();
    for (const seed of seeds)
      for (const kind of s.models) {
        if (reuse(sc, kind)) {
          runs.push(right.get(`${kind}:${seed}`)!);
          continue;
        }
        const o = outcomes.get(`${sc.id}:${kind}:${seed}`)!;
        runs.push(o.result);
        if (o.allPositions) allPositions.set(`${kind}:${seed}`, o.allPositions);
      }
    const summary = summarizeScenario(sc, runs, seeds, unit);
    return { mistake: sc.mistakes[0], rows: scoreScenario(sc, summary, runs, allPositions) };
  });
  renderMistakes(byId('mistakes-table'), c.rightRows, c.wrongRows, s.mistakes, unit, alone, c.notes);
  setBusy(false);
  hook.state = 'done';
  status.textContent = `Done: each mistake measured alone (${todo.length} more runs).`;
}

function showResults(s: LabSettings, summary: Summary, runs: ModelResult[]): void {
  const r = summary.results;
  byId('results-empty').hidden = true;
  renderVerdict(byId('verdict'), r);
  renderMetrics(byId('metrics'), r);
  const labels = new Map(r.rows.map((x) => [x.name, x.label]));
  renderHorizon(byId('horizon'), summary.horizonErrors, labels, r.unit);
  // Forecast chart: every ensemble and baseline selectable; the best model first.
  const select = byId<HTMLSelectElement>('forecast-model');
  const order = [...summary.forecasts].sort(
    (a, b) =>
      (r.rows.find((x) => x.name === a.name && x.kind !== 'model')?.rank ?? 99) -
      (r.rows.find((x) => x.name === b.name && x.kind !== 'model')?.rank ?? 99),
  );
  const best = r.verdict.best ?? order[0]?.name;
  select.replaceChildren(...order.map((f) => el('option', { value: f.name }, [f.label])));
  select.value = best ?? '';
  byId('forecast-figure').hidden = false;
  drawForecast();
  // Downloads.
  const weights = byId<HTMLSelectElement>('weights-run');
  weights.replaceChildren(
    ...runs.map((m, i) => el('option', { value: String(i) }, [`${MODEL_LABELS[m.kind]}, seed ${m.seed}`])),
  );
  byId('downloads').hidden = false;
  // Cells.
  cells?.destroy();
  byId('cells-section').hidden = false;
  cells = mountCells(byId('cells'), { data: last!.scenario.data, runs, unit });
  void s;
}

function drawForecast(): void {
  if (!last) return;
  const { summary } = last;
  const name = byId<HTMLSelectElement>('forecast-model').value;
  const f = summary.forecasts.find((x) => x.name === name) ?? summary.forecasts[0];
  const test = evalSet(last.scenario.data, 'test');
  const H = test.H;
  const step1 = (a: ArrayLike<number>) => Array.from({ length: test.ids.length }, (_, i) => a[i * H]);
  const color = (MODEL_COLORS as Record<string, string>)[f.name] ?? '#6B7280';
  forecastChart.draw(
    test.dates,
    step1(test.actual),
    [{ name: f.name, label: `${f.label} forecast`, color, values: step1(f.forecast) }],
    [
      {
        label: '95% interval',
        color: 'rgba(29, 78, 216, 0.12)',
        lower: step1(f.bounds['95'].lower),
        upper: step1(f.bounds['95'].upper),
      },
      {
        label: '80% interval',
        color: 'rgba(29, 78, 216, 0.22)',
        lower: step1(f.bounds['80'].lower),
        upper: step1(f.bounds['80'].upper),
      },
    ],
  );
  byId('forecast-caption').textContent =
    `Test period ${summary.results.testPeriod.from}..${summary.results.testPeriod.to}: actual close and ${f.label}'s ` +
    `one-day-ahead forecast with its split-conformal 80% and 95% intervals (${summary.results.unit}). Zoom with the buttons; the page scrolls over the chart.`;
}

// ---- wiring ----

function buildMistakeBoxes(): void {
  const root = byId('mistakes');
  root.replaceChildren(
    ...MISTAKES.map((m) =>
      el('label', { title: MISTAKE_INFO[m].tutorial }, [
        el('input', { type: 'checkbox', name: 'mistake', value: m, 'data-testid': `mistake-${m}` }),
        ` ${MISTAKE_INFO[m].label}`,
      ]),
    ),
  );
}

function wire(): void {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void train();
  });
  form.addEventListener('change', (e) => {
    if ((e.target as HTMLElement).id !== 'file') settingsChanged();
  });
  buttons.pause.addEventListener('click', () => {
    if (!pool) return;
    if (pool.isPaused) {
      pool.resume();
      hook.state = 'training';
      buttons.pause.textContent = 'Pause';
      status.textContent = 'Training resumed…';
    } else {
      pool.pause();
      hook.state = 'paused';
      buttons.pause.textContent = 'Resume';
      status.textContent = 'Paused. Resume goes on from the same step; the numbers do not change.';
    }
  });
  buttons.stop.addEventListener('click', () => pool?.stop());
  const file = byId<HTMLInputElement>('file');
  file.addEventListener('change', () => {
    if (file.files?.[0]) void loadFile(file.files[0]);
  });
  const drop = byId('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) void loadFile(f);
  });
  byId('use-dji').addEventListener('click', () => void loadDji());
  byId('range-reset').addEventListener('click', () => {
    if (hook.settings.data === 'dji') {
      const [from, to] = DJI_RANGE.split(':');
      byId<HTMLInputElement>('from').value = from;
      byId<HTMLInputElement>('to').value = to;
    } else {
      byId<HTMLInputElement>('from').value = '';
      byId<HTMLInputElement>('to').value = '';
    }
    settingsChanged();
  });
  byId('range-all').addEventListener('click', () => {
    byId<HTMLInputElement>('from').value = '';
    byId<HTMLInputElement>('to').value = '';
    settingsChanged();
  });
  byId('copy-cli').addEventListener('click', () => {
    const cmd = cliCommand(readForm());
    const out = byId('cli');
    out.textContent = cmd;
    navigator.clipboard?.writeText(cmd).then(
      () => out.setAttribute('title', 'copied to the clipboard'),
      () => out.setAttribute('title', 'select and copy the command'),
    );
  });
  byId('copy-link').addEventListener('click', () => {
    settingsChanged();
    const out = byId('cli');
    out.textContent = location.href;
    navigator.clipboard?.writeText(location.href).catch(() => {});
  });
  byId('forecast-model').addEventListener('change', drawForecast);
  byId('alone').addEventListener('click', () => void measureAlone());
  overflowHint(byId('mistakes-table'), byId('mistakes-note'));
  byId('zoom-in').addEventListener('click', () => forecastChart.zoom(0.5));
  byId('zoom-out').addEventListener('click', () => forecastChart.zoom(2));
  byId('zoom-reset').addEventListener('click', () => forecastChart.resetZoom());
  byId('download-results').addEventListener('click', () => {
    if (last) download('results.json', resultsJson(last.summary), 'application/json');
  });
  byId('download-weights').addEventListener('click', () => {
    if (!last) return;
    const m = last.runs[Number(byId<HTMLSelectElement>('weights-run').value)];
    const d = last.scenario.data;
    const bytes = encodeCheckpoint(
      m.state,
      m.config,
      runCheckpointData(d, evalSet(d, 'val'), m),
      `${m.kind}-seed${m.seed}`,
    );
    download(`${m.kind}-seed${m.seed}.safetensors`, bytes, 'application/octet-stream');
  });
  window.addEventListener('hashchange', () => {
    if (hook.state === 'training' || hook.state === 'paused') return;
    applyHash();
  });
}

function applyHash(): LabSettings {
  let s: LabSettings;
  try {
    s = parseHash(location.hash);
    showError(settingsError, null);
  } catch (e) {
    s = { ...DEFAULTS, models: [...DEFAULTS.models], mistakes: [...DEFAULTS.mistakes] };
    showError(
      settingsError,
      `${e instanceof SettingsError ? e.message : String(e)}. Using the defaults instead.`,
    );
  }
  hook.settings = s;
  fillForm(s);
  return s;
}

async function start(): Promise<void> {
  buildMistakeBoxes();
  wire();
  const s = applyHash();
  pool = new WorkerPool(workerUrl);
  try {
    await loadDji(s.data === 'dji' ? s.range : DJI_RANGE);
    if (s.data === 'dji') fillForm(s);
    settingsChanged();
    if (s.data === 'file') pendingFile = { name: s.fileName, range: s.range };
    if (s.data === 'file')
      showError(
        dataError,
        `This link was made with your own file “${s.fileName}”. A link cannot carry a file: drop it here to reproduce the run (the Dow Jones series is loaded until then).`,
      );
  } catch (e) {
    showError(dataError, messageOf(e));
  }
  hook.state = 'idle';
  status.textContent = 'Ready. Press Train.';
}

void start();
