/**
 * `rnnlab merge PART... --out DIR`: combine the part files of a sharded backtest — checked to come from one plan
 * and to hold every unit exactly once with a valid hash — pool them with the engine's summarizeBacktest, and
 * write DIR/results.json and the report page DIR/index.html.
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { printable } from 'rnnlab';
import { type BacktestPlan, type BacktestResults, summarizeBacktest, type UnitResult } from 'rnnlab/forecast';
import { writeFileAtomic } from 'rnnlab/node';
import { renderBacktestHtml } from '../report/backtest.js';
import { checkParts, readPartFile } from './backtest_store.js';
import { packageVersion } from './common.js';
import { checkOutputDir } from './output_paths.js';

/** Pools `results` (in unit-id order) and writes results.json and index.html into `outDir`; returns the summary. */
export async function writeBacktestReport(
  outDir: string,
  plan: BacktestPlan,
  results: UnitResult[],
): Promise<BacktestResults> {
  const summary = summarizeBacktest(plan, results);
  await writeFileAtomic(join(outDir, 'results.json'), `${JSON.stringify(summary, null, 2)}\n`, {
    createParents: true,
  });
  const html = renderBacktestHtml(plan, summary, { version: await packageVersion() });
  await writeFileAtomic(join(outDir, 'index.html'), html, { createParents: true });
  return summary;
}

/** The cross-series table as terminal lines: model, cell, geometric mean [interval], W/T/L. */
export function crossSeriesLines(s: BacktestResults): string[] {
  const width = Math.max(5, ...s.crossSeries.map((r) => r.model.length));
  return [
    `${'model'.padEnd(width)}  cell  ${'geo-mean rel. MAE [95% interval]'.padEnd(34)}  wins/ties/losses (of ${s.series.length} series)`,
    ...s.crossSeries.map(
      (r) =>
        `${r.model.padEnd(width)}  c${String(r.cell).padEnd(3)}  ` +
        `${`${r.geoMean.toFixed(3)} [${r.interval[0].toFixed(3)}, ${r.interval[1].toFixed(3)}]`.padEnd(34)}  ${r.wins}/${r.ties}/${r.losses}`,
    ),
  ];
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description(
      'Combine the part files of a sharded backtest (part-I-of-N.json from `rnnlab backtest --shard` or `--shards`) into ' +
        'results.json and an HTML report. Refuses parts of different plans, and names any unit that is missing or present twice.',
    )
    .argument('<parts...>', 'part files, e.g. run1/part-*.json')
    .requiredOption('--out <dir>', 'report folder (results.json, index.html)')
    .addHelpText(
      'after',
      '\nEvery part carries the plan and its hash; all parts must share it, and together hold every unit of the plan\n' +
        'exactly once. A missing unit means a shard did not finish: re-run it (it resumes from its units/ folder).\n\n' +
        'Example:\n  rnnlab merge /shared/run1/part-*.json --out /shared/run1/report',
    )
    .action(async (files: string[], f: { out: string }) => {
      const outDir = checkOutputDir(f.out, '--out');
      const parts = files.map((file) => ({ file, part: readPartFile(file) }));
      const { plan, results } = checkParts(parts);
      const summary = await writeBacktestReport(outDir, plan, results);
      const log = (s: string) => process.stdout.write(`${s}\n`);
      log(`merged ${parts.length} parts: ${results.length} units of plan ${plan.hash}`);
      for (const line of crossSeriesLines(summary)) log(line);
      log(`report: ${printable(join(outDir, 'index.html'))} (with results.json)`);
    });
}
