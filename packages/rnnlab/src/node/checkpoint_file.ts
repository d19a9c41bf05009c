/**
 * Checkpoint files on disk (Node only): `saveCheckpoint(path, …)` writes `encodeCheckpoint(…)` atomically and
 * `loadCheckpoint(path)` reads and validates one (see forecast/checkpoint.ts for the format and the checks).
 */
import {
  type CheckpointData,
  checkpointFrom,
  encodeCheckpoint,
  READ_OPTIONS,
} from '../forecast/checkpoint.js';
import type { ModelConfig, SequenceRegressor } from '../forecast/models.js';
import { writeFileAtomicSync } from './atomic_write.js';
import { readSafetensorsFile } from './safetensors_file.js';

/**
 * Writes the model's weights, `config` and `data` to `path`. `data` is checked first (the same checks as
 * loading), so a checkpoint that could not be loaded is never written.
 */
export function saveCheckpoint(
  path: string,
  model: SequenceRegressor | Record<string, { shape: number[]; data: Float32Array }>,
  config: Required<ModelConfig>,
  data: CheckpointData,
): void {
  writeFileAtomicSync(path, encodeCheckpoint(model, config, data, path));
}

/**
 * Reads a checkpoint written by `saveCheckpoint`, validating everything before the model is built, so a crafted
 * file is rejected in milliseconds. Throws CheckpointError naming `path`.
 */
export function loadCheckpoint(path: string): { model: SequenceRegressor; data: CheckpointData } {
  return checkpointFrom(() => readSafetensorsFile(path, READ_OPTIONS), path);
}
