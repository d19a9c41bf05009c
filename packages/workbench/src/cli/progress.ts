/**
 * Training progress: one cli-progress bar per model over all its seeds (seeds done, epoch, loss, validation loss,
 * ETA) on a terminal; plain log lines, one per model, seed and epoch, when stdout is not a TTY (CI logs, pipes).
 */
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import type { JobEvent, ModelKind } from 'rnnlab/forecast';

export interface ProgressOptions {
  tty: boolean;
  quiet: boolean;
  log: (line: string) => void;
}

export class TrainingProgress {
  private readonly multi: cliProgress.MultiBar | null;
  private readonly bars = new Map<ModelKind, cliProgress.SingleBar>();
  private readonly vals = new Map<ModelKind, string>();
  /** Batches done per run (kind and seed); a bar shows the sum over its kind's runs. */
  private readonly done = new Map<string, number>();
  private readonly seedsDone = new Map<ModelKind, number>();

  constructor(
    kinds: readonly ModelKind[],
    private readonly epochs: number,
    private readonly batchesPerEpoch: number,
    private readonly o: ProgressOptions,
    private readonly seeds = 1,
  ) {
    if (!o.tty || o.quiet) {
      this.multi = null;
      return;
    }
    this.multi = new cliProgress.MultiBar(
      {
        format: `${pc.bold('{model}')} {bar} seeds {seedsDone}/{seeds} epoch {epoch}/{epochs} | loss {loss} | val {val} | {duration_formatted} ETA {eta_formatted}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 10,
        // The callers decide `tty` from stdout; cli-progress's default, stderr, draws nothing under `2>file`.
        stream: process.stdout,
      },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...kinds.map((k) => k.length));
    for (const k of kinds) {
      this.bars.set(
        k,
        this.multi.create(seeds * epochs * batchesPerEpoch, 0, {
          model: k.padEnd(width),
          seedsDone: 0,
          seeds,
          epoch: 0,
          epochs,
          loss: '-',
          val: '-',
        }),
      );
    }
  }

  /** Batches done over all runs of `kind` after run `key` reached `batches`. */
  private total(kind: ModelKind, key: string, batches: number): number {
    this.done.set(key, batches);
    let sum = 0;
    for (const [k, v] of this.done) if (k.startsWith(`${kind}:`)) sum += v;
    return sum;
  }

  onEvent = (e: JobEvent): void => {
    const key = `${e.kind}:${e.seed}`;
    if (e.type === 'batch') {
      const bar = this.bars.get(e.kind);
      bar?.update(this.total(e.kind, key, (e.epoch - 1) * this.batchesPerEpoch + e.batch), {
        epoch: e.epoch,
        loss: e.loss.toFixed(4),
        val: this.vals.get(e.kind) ?? '-',
      });
      return;
    }
    const r = e.record;
    const val = r.valLoss.toFixed(4);
    this.vals.set(e.kind, val);
    if (r.epoch === e.epochs) this.seedsDone.set(e.kind, (this.seedsDone.get(e.kind) ?? 0) + 1);
    if (this.multi) {
      this.bars.get(e.kind)?.update(this.total(e.kind, key, r.epoch * this.batchesPerEpoch), {
        epoch: r.epoch,
        loss: r.trainLoss.toFixed(4),
        val,
        seedsDone: this.seedsDone.get(e.kind) ?? 0,
      });
    } else if (!this.o.quiet) {
      const who = this.seeds > 1 ? `${e.kind} seed ${e.seed}` : e.kind;
      this.o.log(
        `[${who}] epoch ${r.epoch}/${e.epochs}  train ${r.trainLoss.toFixed(4)}  val ${val}  (${r.seconds.toFixed(2)} s)`,
      );
    }
  };

  stop(): void {
    this.multi?.stop();
  }
}
