/**
 * `rnnlab/forecast`: the forecasting core — the tutorial's models, training, evaluation on the test split, baselines,
 * metrics, significance tests, conformal intervals, the verdict and checkpoints as bytes. Runs anywhere; the
 * worker-thread comparison and file-based checkpoints are in `rnnlab/node`.
 */
export * from './backtest/index.js';
export * from './baselines.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_LIMITS,
  type CheckpointData,
  CheckpointError,
  checkCheckpointData,
  checkpointDataOf,
  decodeCheckpoint,
  encodeCheckpoint,
  runCheckpointData,
} from './checkpoint.js';
export {
  checkThreads,
  DataParallel,
  MAX_THREADS,
  type ReplicaHandle,
  type ReplicaSetup,
  type ReplicaThreads,
  serveReplica,
  sliceRows,
} from './data_parallel.js';
export * from './evaluation.js';
export * from './export.js';
export * from './intervals.js';
export * from './job.js';
export * from './metrics.js';
export * from './models.js';
export * from './predict.js';
export * from './prepare.js';
export * from './results.js';
export * from './stats/conformal.js';
export * from './stats/diebold_mariano.js';
export * from './stats/holm.js';
export * from './stats/student_t.js';
export * from './summary.js';
export * from './train.js';
export * from './verdict.js';
