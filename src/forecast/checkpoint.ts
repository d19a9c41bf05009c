/**
 * Checkpoints as safetensors files: tensors named by PyTorch's state-dict names (`rnn.weight_ih_l0`, …,
 * `linear.bias`) so `model.load_state_dict(safetensors.torch.load_file(path))` works on the tutorial's classes,
 * and `__metadata__` holding the model config and the data settings (features, target, window length, the
 * scalers' training statistics) as JSON strings under `rnnlab.model` and `rnnlab.data`.
 */
import type { ScalerJSON } from '../data/scalers.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../nn/safetensors.js';
import { MODEL_KINDS, type ModelConfig, resolveModelConfig, SequenceRegressor } from './models.js';
import type { PreparedData } from './prepare.js';

export interface CheckpointData {
  target: string;
  features: string[];
  seqLen: number;
  scalers: Array<ScalerJSON | null>;
  targetScaler: ScalerJSON | null;
  /** Source and date range of the training data (informational). */
  source: string;
  trainedThrough: string;
}

export const CHECKPOINT_FORMAT = 'rnnlab-checkpoint/v1';

/** The data settings a model trained on `d` needs at prediction time. */
export function checkpointDataOf(d: PreparedData): CheckpointData {
  return {
    target: d.target,
    features: d.featureNames,
    seqLen: d.seqLen,
    scalers: d.scalers,
    targetScaler: d.targetScaler,
    source: d.source,
    trainedThrough: d.dates[d.split.trainEnd - 1],
  };
}

export function saveCheckpoint(
  path: string,
  model: SequenceRegressor | Record<string, { shape: number[]; data: Float32Array }>,
  config: Required<ModelConfig>,
  data: CheckpointData,
): void {
  const tensors =
    model instanceof SequenceRegressor
      ? Object.fromEntries(
          model
            .namedParameters()
            .map(([n, p]) => [n, { shape: [...p.shape], data: Float32Array.from(p.data) }]),
        )
      : model;
  writeSafetensorsFile(path, tensors, {
    format: CHECKPOINT_FORMAT,
    'rnnlab.model': JSON.stringify(config),
    'rnnlab.data': JSON.stringify(data),
  });
}

export function loadCheckpoint(path: string): { model: SequenceRegressor; data: CheckpointData } {
  const { tensors, metadata } = readSafetensorsFile(path);
  const fail = (what: string): never => {
    throw new Error(`${path}: ${what}. Was it written by \`rnnlab train --save\`?`);
  };
  if (metadata.format !== CHECKPOINT_FORMAT)
    fail(`metadata.format is ${JSON.stringify(metadata.format)}, expected "${CHECKPOINT_FORMAT}"`);
  let config: ModelConfig;
  let data: CheckpointData;
  try {
    config = JSON.parse(metadata['rnnlab.model'] ?? 'null');
    data = JSON.parse(metadata['rnnlab.data'] ?? 'null');
  } catch (e) {
    return fail(`metadata is not valid JSON (${(e as Error).message})`);
  }
  if (config === null || typeof config !== 'object' || !MODEL_KINDS.includes(config.kind))
    fail('metadata "rnnlab.model" does not describe a model');
  if (data === null || typeof data !== 'object' || !Array.isArray(data.features))
    fail('metadata "rnnlab.data" does not describe the data settings');
  const model = new SequenceRegressor(resolveModelConfig(config));
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    fail(`its weights do not fit the declared model ${JSON.stringify(config)}:\n${(e as Error).message}`);
  }
  return { model, data };
}
