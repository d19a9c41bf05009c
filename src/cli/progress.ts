/**
 * Training progress: one cli-progress bar per model (epoch, loss, validation loss, ETA) on a terminal; plain
 * log lines, one per model and epoch, when stdout is not a TTY (CI logs, pipes).
 */
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import type { JobEvent } from '../forecast/job.js';
import type { ModelKind } from '../forecast/models.js';

export interface ProgressOptions {
  tty: boolean;
  quiet: boolean;
  log: (line: string) => void;
}

export class TrainingProgress {
  private readonly multi: cliProgress.MultiBar | null;
  private readonly bars = new Map<ModelKind, cliProgress.SingleBar>();
  private readonly vals = new Map<ModelKind, string>();

  constructor(
    kinds: readonly ModelKind[],
    private readonly epochs: number,
    private readonly batchesPerEpoch: number,
    private readonly o: ProgressOptions,
  ) {
    if (!o.tty || o.quiet) {
      this.multi = null;
      return;
    }
    this.multi = new cliProgress.MultiBar(
      {
        format: `${pc.bold('{model}')} {bar} epoch {epoch}/{epochs} | loss {loss} | val {val} | {duration_formatted} ETA {eta_formatted}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...kinds.map((k) => k.length));
    for (const k of kinds) {
      this.bars.set(
        k,
        this.multi.create(epochs * batchesPerEpoch, 0, {
          model: k.padEnd(width),
          epoch: 0,
          epochs,
          loss: '-',
          val: '-',
        }),
      );
    }
  }

  onEvent = (e: JobEvent): void => {
    if (e.type === 'batch') {
      const bar = this.bars.get(e.kind);
      bar?.update((e.epoch - 1) * this.batchesPerEpoch + e.batch, {
        epoch: e.epoch,
        loss: e.loss.toFixed(4),
        val: this.vals.get(e.kind) ?? '-',
      });
      return;
    }
    const r = e.record;
    const val = r.valLoss.toFixed(4);
    this.vals.set(e.kind, val);
    if (this.multi) {
      this.bars
        .get(e.kind)
        ?.update(r.epoch * this.batchesPerEpoch, { epoch: r.epoch, loss: r.trainLoss.toFixed(4), val });
    } else if (!this.o.quiet) {
      this.o.log(
        `[${e.kind}] epoch ${r.epoch}/${e.epochs}  train ${r.trainLoss.toFixed(4)}  val ${val}  (${r.seconds.toFixed(2)} s)`,
      );
    }
  };

  stop(): void {
    this.multi?.stop();
  }
}
