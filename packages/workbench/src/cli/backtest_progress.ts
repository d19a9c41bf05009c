/**
 * Backtest progress, one step per unit: a cli-progress bar on a terminal; on anything else (pod logs, CI, pipes)
 * one line per unit, `[12/40] dji/f2/c0/lstm/s1 3.1 s, ETA 1m40s`. The ETA is the remaining units' estimated cost
 * times the measured seconds per cost unit of the units run so far (units skipped on resume do not count).
 */
import cliProgress from 'cli-progress';
import type { BacktestUnit } from 'rnnlab/forecast';

/** "45 s", "1m40s", "2h05m". */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class BacktestProgress {
  private done = 0;
  private remainingCost: number;
  private measuredCost = 0;
  private measuredSeconds = 0;
  private readonly bar: cliProgress.SingleBar | null;

  constructor(
    private readonly units: readonly BacktestUnit[],
    private readonly o: { tty: boolean; quiet: boolean; log: (line: string) => void },
  ) {
    this.remainingCost = units.reduce((s, u) => s + u.cost, 0);
    this.bar =
      o.tty && !o.quiet
        ? new cliProgress.SingleBar(
            {
              format: '{bar} {value}/{total} units | {key} | ETA {etaText}',
              barCompleteChar: '█',
              barIncompleteChar: '░',
              barsize: 24,
              hideCursor: true,
              stream: process.stdout,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    this.bar?.start(units.length, 0, { key: '', etaText: '?' });
  }

  /** Seconds left by the measured rate, NaN before any unit ran. */
  eta(): number {
    return this.measuredCost > 0
      ? (this.remainingCost * this.measuredSeconds) / this.measuredCost
      : Number.NaN;
  }

  /** A unit finished in `seconds`, or was skipped because a valid result existed. */
  unitDone(unit: BacktestUnit, outcome: { seconds: number } | { skipped: string }): void {
    this.done++;
    this.remainingCost -= unit.cost;
    if ('seconds' in outcome) {
      this.measuredCost += unit.cost;
      this.measuredSeconds += outcome.seconds;
    }
    const etaText = this.done === this.units.length ? '0 s' : formatEta(this.eta());
    if (this.bar) {
      this.bar.update(this.done, { key: unit.key, etaText });
      return;
    }
    if (this.o.quiet) return;
    const what = 'seconds' in outcome ? `${outcome.seconds.toFixed(1)} s` : `skipped (${outcome.skipped})`;
    this.o.log(`[${this.done}/${this.units.length}] ${unit.key} ${what}, ETA ${etaText}`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
