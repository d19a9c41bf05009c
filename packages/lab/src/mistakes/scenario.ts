/** One way of preparing and scoring the data: done right, with the tutorial's mistakes, or one mistake alone. */
import type { ModelKind, PreparedData, TargetPositions } from 'rnnlab/forecast';
import type { Mistake } from '../settings.js';

export interface Scenario {
  /** 'right', 'mistakes', or a mistake's name (that mistake alone). */
  id: string;
  label: string;
  /** Active mistakes, in the order of `MISTAKES`. */
  mistakes: readonly Mistake[];
  /** Prepared the scenario's way; plain data (structured-cloneable). */
  data: PreparedData;
  /** True when only scoring differs from done right (biasBug alone): the right runs can be scored again. */
  reusesRight: boolean;
  /**
   * What `data.dates` label: the days of the values ('dates'), or, under `reversed`, positions only: the values
   * run newest first under the series' ascending dates, so `valueDates` holds each value's own day.
   */
  dateLabels: 'dates' | 'positions';
  /** Each row's own day under `reversed` (descending), else null. */
  valueDates: string[] | null;
  /** Sentences for the page about this scenario's data (e.g. which days the test period really holds). */
  notes: string[];
  /** Per-model training target override for the job (undefined = engine default). */
  jobTarget(kind: ModelKind): TargetPositions | undefined;
  /** Whether the worker must also return allPositionForecast for this model. */
  scoreAllPositions(kind: ModelKind): boolean;
}
