/** Rolling-origin backtests over many series: plan, units, pooled results. */
export * from './folds.js';
export * from './hash.js';
export * from './plan.js';
export * from './prepare_fold.js';
export * from './run_unit.js';
export * from './summarize.js';
export * from './types.js';
