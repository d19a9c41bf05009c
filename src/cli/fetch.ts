/** `rnnlab fetch`: download daily prices from stooq's CSV endpoint into a file. */
import { Command, Option } from 'commander';
import { fetchStooq } from '../data/fetch.js';
import { int } from './options.js';

export function fetchCommand(): Command {
  return new Command('fetch')
    .description(
      "Download a daily price history (Date,Open,High,Low,Close,Volume) from stooq's CSV endpoint.",
    )
    .argument('<symbol>', 'stooq symbol, e.g. ^dji (Dow Jones), ^spx, aapl.us')
    .addOption(new Option('--source <name>', 'data source').choices(['stooq']).default('stooq'))
    .requiredOption('--out <file.csv>', 'output file (written only if the download is a valid price CSV)')
    .option('--timeout <ms>', 'give up after this many milliseconds', int(1), 15000)
    .option('--base-url <url>', 'endpoint (for mirrors and tests)', 'https://stooq.com/q/d/l/')
    .action(async (symbol: string, f: { out: string; timeout: number; baseUrl: string }) => {
      const r = await fetchStooq({ symbol, out: f.out, timeoutMs: f.timeout, baseUrl: f.baseUrl });
      for (const w of r.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`wrote ${r.path}: ${r.rows} rows ${r.firstDate}..${r.lastDate}\n`);
    });
}
