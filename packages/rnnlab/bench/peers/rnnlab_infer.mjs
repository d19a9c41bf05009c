#!/usr/bin/env node
// rnnlab side of the harness's --inference mode: loads the weights PyTorch exported (DIR/<model>.safetensors,
// PyTorch's names and layouts) into rnnlab's SequenceRegressor from the built engine (packages/rnnlab/dist) and
// times inference with the protocol of infer_common.mjs: eval mode, noGrad, output copied to a host Float32Array.
//
//   node bench/peers/rnnlab_infer.mjs --dir DIR --model lstm --out FILE [--reps 5] --json

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EXIT_UNAVAILABLE, emit, loadExport, measure, parseInferArgs } from './infer_common.mjs';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src');
const o = parseInferArgs();

const entry = join(DIST, 'index.js');
if (!existsSync(entry)) {
  process.stderr.write(`${entry} not found: build the repo (npm run build at its root)\n`);
  process.exit(EXIT_UNAVAILABLE);
}
const load = (p) => import(pathToFileURL(join(DIST, p)).href);
const { noGrad, tensor, kernelBuild } = await load('index.js');
const { SequenceRegressor } = await load('forecast/index.js');
const { readSafetensorsFile } = await load('node/index.js');
const pkg = JSON.parse(readFileSync(resolve(DIST, '..', '..', 'package.json'), 'utf8'));
const versions = { rnnlab: pkg.version, node: process.versions.node, kernels: kernelBuild };

if (o.check) {
  emit({ runner: 'rnnlab', ok: true, versions }, true);
  process.exit(0);
}

const data = loadExport(o.dir);
const { manifest, T } = data;
const model = new SequenceRegressor({
  kind: o.model,
  hiddenSize: manifest.hidden,
  numLayers: manifest.layers,
});
model.loadStateDict(readSafetensorsFile(join(o.dir, `${o.model}.safetensors`)).tensors);
model.eval();

const run = (x, b) => noGrad(() => model.forward(tensor(x, [b, T, 1])).data.slice());
const timing = await measure(run, data, o);
emit({ runner: 'rnnlab', mode: 'inference', model: o.model, ...timing, threads: 1, versions }, o.json);
