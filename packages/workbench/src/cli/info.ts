/** `rnnlab info`: the tutorial's model printout (`for name, p in model.named_parameters(): print(name, ':', p.size())`). */
import { Command } from 'commander';
import { MODEL_KINDS, ModelConfigError, modelParameterShapes, resolveModelConfig } from 'rnnlab/forecast';
import { int } from './options.js';

/** The `info` flag that sets each model-config field (for error messages). */
const FLAG_OF: Readonly<Record<string, string>> = {
  inputSize: '--input',
  outputSize: '--output',
  hiddenSize: '--hidden',
  numLayers: '--layers',
  parameters: '--hidden or --layers',
};

/**
 * The parameter names and shapes of the four models, computed from the config without building the models (so
 * it takes no memory and no time whatever the sizes). Throws a ModelConfigError naming the `info` flag when a
 * size is out of bounds or the parameters could not fit in WebAssembly memory.
 */
export function modelPrintout(input: number, output: number, hidden: number, layers: number): string {
  const lines: string[] = [];
  for (const kind of MODEL_KINDS) {
    let config: ReturnType<typeof resolveModelConfig>;
    try {
      config = resolveModelConfig({
        kind,
        inputSize: input,
        outputSize: output,
        hiddenSize: hidden,
        numLayers: layers,
      });
    } catch (e) {
      if (!(e instanceof ModelConfigError)) throw e;
      throw new ModelConfigError(e.field, `${FLAG_OF[e.field] ?? e.field}: ${e.message}.`);
    }
    lines.push(`${kind.toUpperCase()}(${input}, ${output}, ${hidden}, ${layers})`);
    for (const [name, shape] of modelParameterShapes(config))
      lines.push(`    ${name} : [${shape.join(', ')}]`);
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
