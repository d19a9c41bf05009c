/**
 * `rnnlab/node`: the Node-only helpers — files by path (price CSVs, safetensors, checkpoints, the shipped Dow Jones
 * file), downloads from stooq, the atomic writer, and the comparison that trains on worker threads. Everything
 * else is in `rnnlab`, `rnnlab/data`, `rnnlab/forecast` and `rnnlab/io`, which run in browsers too.
 */
export * from './atomic_write.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint_file.js';
export * from './compare.js';
export { readPriceCsv } from './csv_file.js';
export * from './dataset.js';
export * from './fetch.js';
export { defaultThreads, nodeReplicaThreads } from './replicas.js';
export { readSafetensorsFile, writeSafetensorsFile } from './safetensors_file.js';
