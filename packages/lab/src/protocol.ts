/**
 * Messages between the page and its training workers. One worker trains one run at a time with the engine's
 * `runModelJobAsync`, so the page can pause or stop it between optimizer steps and never waits on it.
 */
import type { EpochRecord, ModelJob, ModelResult, PreparedData } from 'rnnlab/forecast';

/** Page → worker. */
export type ToWorker =
  | {
      type: 'run';
      /** Identifies the run in the answers. */
      id: number;
      data: PreparedData;
      job: ModelJob;
      /** Forecast the validation period after every epoch (for the live chart). */
      live: boolean;
      /** Also forecast every position of the test windows (the tutorial's BRNN scoring). */
      allPositions: boolean;
    }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

/** Worker → page. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; id: number; epoch: number; batch: number; batches: number; loss: number }
  | { type: 'epoch'; id: number; record: EpochRecord; epochs: number; valForecast?: Float64Array }
  | { type: 'result'; id: number; result: ModelResult; allPositions?: Float64Array }
  | { type: 'stopped'; id: number }
  | { type: 'error'; id: number; message: string };
