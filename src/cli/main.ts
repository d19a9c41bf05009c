#!/usr/bin/env node
/** The `rnnlab` command line. Errors print one clear line (set RNNLAB_DEBUG=1 for the stack). */
import { Command } from 'commander';
import { packageVersion } from './common.js';
import { compareCommand } from './compare.js';
import { fetchCommand } from './fetch.js';
import { infoCommand } from './info.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

async function main(argv: string[]): Promise<void> {
  const program = new Command('rnnlab')
    .description(
      'Recurrent neural networks for TypeScript and a forecasting workbench. The default command, compare, ' +
        "reproduces the tutorial's DRNN/BRNN/LSTM/GRU comparison on the Dow Jones data shipped with the package, correctly.",
    )
    .version(await packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(compareCommand(), { isDefault: true })
    .addCommand(trainCommand())
    .addCommand(predictCommand())
    .addCommand(fetchCommand())
    .addCommand(infoCommand());
  await program.parseAsync(argv);
}

main(process.argv).catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`rnnlab: error: ${msg}\n`);
  if (process.env.RNNLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
});
