/** `rnnlab info`: the tutorial's model printout (`for name, p in model.named_parameters(): print(name, ':', p.size())`). */
import { Command } from 'commander';
import { MODEL_KINDS, SequenceRegressor } from '../forecast/models.js';
import { int } from './options.js';

export function modelPrintout(input: number, output: number, hidden: number, layers: number): string {
  const lines: string[] = [];
  for (const kind of MODEL_KINDS) {
    const m = new SequenceRegressor({
      kind,
      inputSize: input,
      outputSize: output,
      hiddenSize: hidden,
      numLayers: layers,
    });
    lines.push(`${kind.toUpperCase()}(${input}, ${output}, ${hidden}, ${layers})`);
    for (const [name, p] of m.namedParameters()) lines.push(`    ${name} : [${p.shape.join(', ')}]`);
    lines.push('');
  }
  return lines.join('\n');
}

export function infoCommand(): Command {
  return new Command('info')
    .description(
      "Print the four tutorial models' parameter names and shapes, as the tutorial does for DRNN/BRNN/LSTM/GRU(16, 16, 64, 2).",
    )
    .option('--input <n>', 'input_size', int(1), 16)
    .option('--output <n>', 'output_size', int(1), 16)
    .option('--hidden <n>', 'hidden_size', int(1), 64)
    .option('--layers <n>', 'num_layers', int(1), 2)
    .action((f: { input: number; output: number; hidden: number; layers: number }) => {
      process.stdout.write(modelPrintout(f.input, f.output, f.hidden, f.layers));
    });
}
