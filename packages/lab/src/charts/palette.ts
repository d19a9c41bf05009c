/** One colour per model and baseline, the same in every chart and table of the lab (colour-blind-safe Okabe–Ito). */
import type { ModelKind } from 'rnnlab/forecast';

export const MODEL_COLORS: Record<ModelKind, string> = {
  drnn: '#0072B2',
  brnn: '#E69F00',
  lstm: '#009E73',
  gru: '#CC79A7',
};

export const ACTUAL_COLOR = '#111827';
export const BASELINE_COLOR = '#6B7280';
