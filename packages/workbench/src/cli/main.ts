#!/usr/bin/env node
/**
 * The `rnnlab` command line. Errors print one clear line (set RNNLAB_DEBUG=1 for the stack), with control
 * characters escaped and the length bounded (`printable`), whichever layer wrote the message. A reader that
 * goes away (`rnnlab compare | head -1`) stops the printing, not the run.
 */
import { Command } from 'commander';
import { printable } from 'rnnlab';
import { backtestCommand } from './backtest.js';
import { packageVersion } from './common.js';
import { compareCommand } from './compare.js';
import { fetchCommand } from './fetch.js';
import { infoCommand } from './info.js';
import { mergeCommand } from './merge.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

/** Longest line of an error message that is printed; the rest is counted (`… (N more characters)`). */
const LINE_LIMIT = 1000;
/** Most lines of an error message that are printed. */
const MAX_LINES = 20;

/**
 * `text` made safe for a terminal line by line: each line through `printable` (controls and escape sequences
 * shown as `\x1b`, length bounded), at most MAX_LINES lines. Only line breaks already in the message survive.
 */
function printableLines(text: string, maxLines = MAX_LINES): string {
  const lines = text.split('\n').map((line) => printable(line, LINE_LIMIT));
  if (lines.length <= maxLines) return lines.join('\n');
  return [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`].join('\n');
}

/** A write that prints nothing but completes (its callback runs), as if the reader had taken the text. */
function discardWrite(_chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
  const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
  if (typeof done === 'function') process.nextTick(done as () => void);
  return true;
}

/**
 * Keeps the run going when `stream` can no longer be written. Node reports a write to a pipe whose reader has
 * exited (`| head -1`) as an 'error' event (EPIPE) on every later write, and an unhandled one kills the process
 * with a stack trace before the report or checkpoint is written. Here the first failure turns later writes into
 * no-ops: EPIPE is the reader's choice, so the exit code stays 0; any other failure (ENOSPC writing to
 * `> /dev/full`) means output was lost, so it is reported once on stderr and the exit code becomes 1.
 */
function survivePipeClose(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    const first = stream.write !== discardWrite;
    stream.write = discardWrite as typeof stream.write;
    if (!first || e.code === 'EPIPE') return;
    process.exitCode = 1;
    if (name === 'stdout') {
      process.stderr.write(`rnnlab: error: cannot write to standard output: ${printableLines(e.message)}\n`);
    }
  });
}

/** Commander writes its own errors (unknown option, invalid value) through this: escaped like ours. */
const commanderOutput = {
  outputError: (text: string, write: (s: string) => void) => write(`${printableLines(text.trimEnd())}\n`),
};

async function main(argv: string[]): Promise<void> {
  const program = new Command('rnnlab')
    .description(
      'Recurrent neural networks for TypeScript and a forecasting workbench. The default command, compare, ' +
        "reproduces the tutorial's DRNN/BRNN/LSTM/GRU comparison on the Dow Jones data shipped with the package, correctly.",
    )
    .version(await packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput(commanderOutput)
    .addCommand(compareCommand(), { isDefault: true })
    .addCommand(trainCommand())
    .addCommand(predictCommand())
    .addCommand(backtestCommand())
    .addCommand(mergeCommand())
    .addCommand(fetchCommand())
    .addCommand(infoCommand());
  // addCommand (unlike .command) does not pass settings on to the subcommand.
  for (const sub of program.commands) sub.configureOutput(commanderOutput);
  await program.parseAsync(argv);
}

survivePipeClose(process.stdout, 'stdout');
survivePipeClose(process.stderr, 'stderr');
main(process.argv).catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`rnnlab: error: ${printableLines(msg)}\n`);
  if (process.env.RNNLAB_DEBUG && e instanceof Error)
    process.stderr.write(`${printableLines(`${e.stack}`, 200)}\n`);
  process.exitCode = 1;
});
