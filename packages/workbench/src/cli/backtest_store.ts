/**
 * Backtest results on disk. Every finished unit is `<out>/units/<id>.json` — {format, sha256, result}, with
 * sha256 the SHA-256 of the result's JSON text — written atomically (temp file + rename), so a killed shard never
 * leaves a partial file and a re-run keeps only units that parse, belong to the same plan and hash right.
 * A shard ends with `<out>/part-I-of-N.json`: the plan, the shard, and its units' results with their hashes.
 * `rnnlab merge` checks the parts (one plan hash, every unit exactly once, every hash valid) before pooling.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { printable } from 'rnnlab';
import { type BacktestPlan, type BacktestUnit, type UnitResult, unitResultHash } from 'rnnlab/forecast';
import { writeFileAtomic } from 'rnnlab/node';

export const UNIT_FILE_FORMAT = 'rnnlab-backtest-unit/v1';
export const PART_FILE_FORMAT = 'rnnlab-backtest-part/v1';

/** A unit result with the SHA-256 of its JSON text. */
export interface StoredUnit {
  sha256: string;
  result: UnitResult;
}

export interface UnitFile extends StoredUnit {
  format: typeof UNIT_FILE_FORMAT;
}

export interface PartFile {
  format: typeof PART_FILE_FORMAT;
  plan: BacktestPlan;
  shard: { index: number; count: number };
  units: StoredUnit[];
}

/** Largest part file read by merge, in bytes. */
export const MAX_PART_BYTES = 1024 * 1024 * 1024;

/** SHA-256 (hex) of `result`'s JSON text. */
export function resultSha256(result: UnitResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex');
}

/**
 * JSON has no NaN: a diverged model's non-finite forecasts are written as null. Reading, a null inside an array
 * (all arrays of a unit result that can hold null are numeric) becomes NaN again, never 0.
 */
export function reviveNonFinite(_key: string, value: unknown): unknown {
  return Array.isArray(value) && value.includes(null)
    ? value.map((x) => (x === null ? Number.NaN : x))
    : value;
}

/** `result` after a trip through JSON, so results held in memory pool exactly like results read from files. */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), reviveNonFinite) as T;
}

export function unitFilePath(out: string, id: number): string {
  return join(out, 'units', `${id}.json`);
}

/** Writes a unit's result atomically; returns what was stored. */
export async function writeUnitFile(out: string, result: UnitResult): Promise<StoredUnit> {
  const stored: StoredUnit = { sha256: resultSha256(result), result: viaJson(result) };
  const file: UnitFile = { format: UNIT_FILE_FORMAT, ...stored };
  await writeFileAtomic(unitFilePath(out, result.unit.id), `${JSON.stringify(file)}\n`, {
    createParents: true,
  });
  return stored;
}

/**
 * Why `stored` is not a valid result of `unit` under `plan`, or null when it is: the file's SHA-256 and the
 * engine's content hash (`unitResultHash`) match the content,
 * the plan hash is the plan's, and the unit is the plan's unit (same id and key).
 */
export function invalidReason(stored: unknown, unit: BacktestUnit, plan: BacktestPlan): string | null {
  const s = stored as Partial<StoredUnit> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.sha256 !== 'string' ||
    typeof s.result !== 'object' ||
    s.result === null
  )
    return 'not a unit result';
  if (resultSha256(s.result) !== s.sha256) return 'the file does not match its SHA-256';
  if (s.result.hash !== unitResultHash(s.result)) return 'the result does not match its content hash';
  if (s.result.planHash !== plan.hash)
    return `it belongs to plan ${printable(String(s.result.planHash), 80)}, not ${plan.hash}`;
  if (s.result.unit?.id !== unit.id || s.result.unit?.key !== unit.key)
    return `it is not unit ${unit.id} (${unit.key})`;
  return null;
}

/**
 * The stored result of `unit` in `out` when its file exists and is valid; otherwise null, with `reason` set when a
 * file exists but cannot be used (the unit is then run again and the file replaced).
 */
export function readValidUnit(
  out: string,
  unit: BacktestUnit,
  plan: BacktestPlan,
): { stored: StoredUnit | null; reason?: string } {
  let text: string;
  try {
    text = readFileSync(unitFilePath(out, unit.id), 'utf8');
  } catch {
    return { stored: null };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, reviveNonFinite);
  } catch {
    return { stored: null, reason: 'it is not valid JSON' };
  }
  if ((parsed as Partial<UnitFile>)?.format !== UNIT_FILE_FORMAT)
    return { stored: null, reason: 'unknown format' };
  const reason = invalidReason(parsed, unit, plan);
  if (reason) return { stored: null, reason };
  const f = parsed as UnitFile;
  return { stored: { sha256: f.sha256, result: f.result } };
}

export async function writePartFile(path: string, part: PartFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(part)}\n`, { createParents: true });
}

/** Reads and shape-checks a part file; errors name the file. */
export function readPartFile(path: string): PartFile {
  const fail = (m: string) => new Error(`${printable(path, 200)}: ${m}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fail(`cannot read it (${printable((e as Error).message, 200)}).`);
  }
  let parsed: Partial<PartFile>;
  try {
    parsed = JSON.parse(text, reviveNonFinite) as Partial<PartFile>;
  } catch {
    throw fail(
      'not valid JSON (a part file is written by `rnnlab backtest --shard`). Fix: re-run that shard.',
    );
  }
  if (parsed?.format !== PART_FILE_FORMAT)
    throw fail(
      `not a backtest part file (format ${printable(String(parsed?.format), 60)}, expected ${PART_FILE_FORMAT}).`,
    );
  if (
    typeof parsed.plan?.hash !== 'string' ||
    !Array.isArray(parsed.plan.units) ||
    !Array.isArray(parsed.units)
  )
    throw fail('the part file lacks its plan or units. Fix: re-run that shard.');
  return parsed as PartFile;
}

/** Longest list of unit keys named in one error. */
const MAX_KEYS_SHOWN = 10;

function listKeys(keys: string[]): string {
  const shown = keys.slice(0, MAX_KEYS_SHOWN).map((k) => printable(k, 100));
  return keys.length > MAX_KEYS_SHOWN
    ? `${shown.join(', ')} … (${keys.length - MAX_KEYS_SHOWN} more)`
    : shown.join(', ');
}

/**
 * Checks that `parts` (with their file names) share one plan and hold every unit of it exactly once with a valid
 * hash; returns the plan and the results in unit-id order. Errors name the files, the hashes or the units.
 */
export function checkParts(parts: ReadonlyArray<{ file: string; part: PartFile }>): {
  plan: BacktestPlan;
  results: UnitResult[];
} {
  if (parts.length === 0)
    throw new Error('no part files given. Fix: rnnlab merge OUT/part-*.json --out REPORT.');
  const first = parts[0];
  for (const p of parts.slice(1)) {
    if (p.part.plan.hash !== first.part.plan.hash)
      throw new Error(
        `${printable(p.file, 200)} is from plan ${printable(p.part.plan.hash, 80)} but ${printable(first.file, 200)} is from plan ` +
          `${printable(first.part.plan.hash, 80)}; parts of different plans cannot be merged. ` +
          'Fix: merge only the parts of one run (the same series, flags and grid).',
      );
  }
  const plan = first.part.plan;
  const found = new Map<number, { file: string; stored: StoredUnit }>();
  const duplicated: string[] = [];
  const invalid: string[] = [];
  for (const { file, part } of parts) {
    for (const stored of part.units) {
      const id = stored?.result?.unit?.id;
      const unit = typeof id === 'number' ? plan.units[id] : undefined;
      if (!unit) {
        invalid.push(
          `${printable(file, 200)}: a result for no unit of the plan (id ${printable(String(id), 20)})`,
        );
        continue;
      }
      const reason = invalidReason(stored, unit, plan);
      if (reason) {
        invalid.push(`${printable(file, 200)}: ${unit.key}: ${reason}`);
        continue;
      }
      const seen = found.get(id as number);
      if (seen)
        duplicated.push(
          `${unit.key} (in ${printable(basename(seen.file), 80)} and ${printable(basename(file), 80)})`,
        );
      else found.set(id as number, { file, stored });
    }
  }
  if (invalid.length > 0)
    throw new Error(
      `${invalid.length} invalid unit results: ${listKeys(invalid)}. Fix: re-run the shards that wrote them.`,
    );
  if (duplicated.length > 0)
    throw new Error(
      `${duplicated.length} units are present more than once: ${listKeys(duplicated)}. ` +
        'Fix: give each part file once, and only parts of one --shards N run.',
    );
  const missing = plan.units.filter((u) => !found.has(u.id)).map((u) => u.key);
  if (missing.length > 0)
    throw new Error(
      `${missing.length} of ${plan.units.length} units are missing: ${listKeys(missing)}. ` +
        'Fix: run the shards that hold them (or re-run the failed ones; they resume) and merge all part files.',
    );
  return { plan, results: plan.units.map((u) => (found.get(u.id) as { stored: StoredUnit }).stored.result) };
}
