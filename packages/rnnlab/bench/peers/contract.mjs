// The runner contract of bench/peers/README.md as code: what a runner's JSON line must hold. The harness checks
// every run with it (a run whose line breaks the contract counts as failed), and test/bench/ checks the rnnlab
// runner with it, so the schema, the harness and the runners cannot drift apart silently.

export const MODELS = ['drnn', 'brnn', 'lstm', 'gru'];

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v) => typeof v === 'number' && Number.isFinite(v);
const positive = (v) => finite(v) && v > 0;
const posInt = (v) => Number.isInteger(v) && v > 0;

/** Required fields of epoch mode, with their checks. */
export const EPOCH_FIELDS = {
  runner: (v) => typeof v === 'string' && v.length > 0,
  model: (v) => MODELS.includes(v),
  epochs: posInt,
  msPerEpoch: positive,
  msInference: positive,
  msLatencyB1: positive,
  finalMse: positive,
  peakRssMb: positive,
  versions: isObject,
};

/** Required fields of scaling mode (--steps S). */
export const STEP_FIELDS = {
  runner: (v) => typeof v === 'string' && v.length > 0,
  model: (v) => MODELS.includes(v),
  hidden: posInt,
  seq: posInt,
  batch: posInt,
  steps: posInt,
  msPerStep: positive,
  peakRssMb: positive,
  versions: isObject,
};

/** Optional fields: checked only when present. */
const OPTIONAL = {
  mode: (v) => v === 'epochs' || v === 'steps',
  msPerEpochAll: (v, r) => Array.isArray(v) && v.length === r.epochs && v.every(positive),
  mseByEpoch: (v, r) => Array.isArray(v) && v.length === r.epochs && v.every(finite),
  inferenceBatch: posInt,
  msInferenceAll: positive,
  latencyCalls: (v) => Number.isInteger(v) && v >= 200,
  hidden: posInt,
  layers: posInt,
  seq: posInt,
  batch: posInt,
  windows: posInt,
  threads: posInt,
  params: posInt,
  seed: (v) => Number.isInteger(v) && v >= 0,
  msPerStepMean: positive,
  rssEpochs: (v) => Array.isArray(v) && v.length >= 2 && v.every(posInt),
  rssMbAt: (v, r) => Array.isArray(v) && v.length === r.rssEpochs?.length && v.every(positive),
  rssGrowthPct: finite,
  rssForcedGc: (v) => typeof v === 'boolean',
};

/**
 * Problems with one runner result (empty = it meets the contract). `expect` pins what the harness asked for:
 * { mode: 'epochs' | 'steps', model, epochs, hidden, seq, steps } (each optional).
 */
export function contractProblems(result, expect = {}) {
  if (!isObject(result)) return ['the result is not a JSON object'];
  const mode = expect.mode ?? (result.mode === 'steps' ? 'steps' : 'epochs');
  const problems = [];
  const required = mode === 'steps' ? STEP_FIELDS : EPOCH_FIELDS;
  for (const [key, ok] of Object.entries(required)) {
    if (!(key in result)) problems.push(`missing ${key}`);
    else if (!ok(result[key], result)) problems.push(`bad ${key}: ${JSON.stringify(result[key])}`);
  }
  for (const [key, ok] of Object.entries(OPTIONAL)) {
    if (key in result && !(key in required) && result[key] !== undefined && !ok(result[key], result)) {
      problems.push(`bad ${key}: ${JSON.stringify(result[key])?.slice(0, 80)}`);
    }
  }
  if (result.mode !== undefined && result.mode !== mode)
    problems.push(`mode ${result.mode}, expected ${mode}`);
  for (const key of ['model', 'epochs', 'hidden', 'seq', 'steps']) {
    if (expect[key] !== undefined && result[key] !== expect[key]) {
      problems.push(`${key} ${JSON.stringify(result[key])}, expected ${JSON.stringify(expect[key])}`);
    }
  }
  return problems;
}

/** Required fields of an inference-mode line (run.mjs --inference: rnnlab_infer.mjs, ort_infer.mjs, torch_infer.py). */
export const INFERENCE_FIELDS = {
  runner: (v) => typeof v === 'string' && v.length > 0,
  mode: (v) => v === 'inference',
  model: (v) => MODELS.includes(v),
  windows: posInt,
  seq: posInt,
  msAll: positive,
  msB16: positive,
  msB1Median: positive,
  msB1Mean: positive,
  selfMaxDiff: (v) => finite(v) && v >= 0,
  versions: isObject,
};

/** Problems with one inference-mode result; `expect` pins { model, windows, seq } (each optional). */
export function inferenceProblems(result, expect = {}) {
  if (!isObject(result)) return ['the result is not a JSON object'];
  const problems = [];
  for (const [key, ok] of Object.entries(INFERENCE_FIELDS)) {
    if (!(key in result)) problems.push(`missing ${key}`);
    else if (!ok(result[key], result)) problems.push(`bad ${key}: ${JSON.stringify(result[key])}`);
  }
  for (const key of ['model', 'windows', 'seq']) {
    if (expect[key] !== undefined && result[key] !== expect[key]) {
      problems.push(`${key} ${JSON.stringify(result[key])}, expected ${JSON.stringify(expect[key])}`);
    }
  }
  return problems;
}
