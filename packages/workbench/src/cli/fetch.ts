/** `rnnlab fetch`: download daily prices from stooq's CSV endpoint into a file, or to standard output. */
import { Command, Option } from 'commander';
import { printable } from 'rnnlab';
import { AtomicWriteError, DEFAULT_FETCH_MAX_BYTES, fetchStooq } from 'rnnlab/node';
import { int } from './options.js';

export function fetchCommand(): Command {
  return new Command('fetch')
    .description(
      "Download a daily price history (Date,Open,High,Low,Close,Volume) from stooq's CSV endpoint.",
    )
    .argument('<symbol>', 'stooq symbol, e.g. ^dji (Dow Jones), ^spx, aapl.us')
    .addOption(new Option('--source <name>', 'data source').choices(['stooq']).default('stooq'))
    .requiredOption(
      '--out <file.csv>',
      'output file, written only if the download is a valid price CSV; - for standard output. An existing ' +
        'file is replaced (a symbolic link: its target); devices, pipes and folders are refused',
    )
    .option('--timeout <ms>', 'give up after this many milliseconds', int(1), 15000)
    .option(
      '--max-bytes <n>',
      'largest response accepted, in bytes after decompression',
      int(1),
      DEFAULT_FETCH_MAX_BYTES,
    )
    .option('--base-url <url>', 'endpoint (for mirrors and tests)', 'https://stooq.com/q/d/l/')
    .action(
      async (symbol: string, f: { out: string; timeout: number; maxBytes: number; baseUrl: string }) => {
        const r = await fetchStooq({
          symbol,
          out: f.out,
          timeoutMs: f.timeout,
          maxBytes: f.maxBytes,
          baseUrl: f.baseUrl,
        }).catch((e: unknown) => {
          const cause = (e as Error).cause;
          if (cause instanceof AtomicWriteError && cause.code === 'NOT_REGULAR') {
            throw new Error(`${(e as Error).message} To print the CSV instead, use --out -.`);
          }
          throw e;
        });
        for (const w of r.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
        const where = r.path === '-' ? 'standard output' : printable(r.path, 200);
        // With --out -, standard output carries the CSV, so the summary goes to standard error.
        const summary = r.path === '-' ? process.stderr : process.stdout;
        summary.write(`wrote ${where}: ${r.rows} rows ${r.firstDate}..${r.lastDate}\n`);
      },
    );
}
