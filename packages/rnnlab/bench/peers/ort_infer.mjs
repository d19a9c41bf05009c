#!/usr/bin/env node
// ONNX Runtime side of the harness's --inference mode: runs DIR/<model>.onnx (exported by torch_infer.py from the
// same weights rnnlab loads) with the protocol of infer_common.mjs.
//
//   node bench/peers/ort_infer.mjs --backend node --dir DIR --model lstm --out FILE --json
//       onnxruntime-node, CPU execution provider, intraOpNumThreads 1, interOpNumThreads 1, sequential
//   node bench/peers/ort_infer.mjs --backend web ...
//       onnxruntime-web in Node, wasm backend (its .wasm from node_modules on disk), numThreads 1, no proxy worker
//
// onnxruntime-node installs with --ignore-scripts: its postinstall only downloads the CUDA / TensorRT providers;
// the CPU provider (bin/napi-v*/linux/x64/libonnxruntime.so.1) ships inside the npm package.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EXIT_UNAVAILABLE, EXIT_USAGE, emit, loadExport, measure, parseInferArgs } from './infer_common.mjs';

const o = parseInferArgs({ backend: { type: 'string', default: 'node' } });
if (o.backend !== 'node' && o.backend !== 'web') {
  process.stderr.write(`--backend must be node or web, got ${o.backend}\n`);
  process.exit(EXIT_USAGE);
}
const runner = `ort-${o.backend}`;
const require = createRequire(import.meta.url);

let ort;
try {
  ort = o.backend === 'node' ? require('onnxruntime-node') : await import('onnxruntime-web');
} catch (e) {
  process.stderr.write(
    `onnxruntime-${o.backend} not installed: run npm ci --ignore-scripts in bench/peers [${e.message.split('\n')[0]}]\n`,
  );
  process.exit(EXIT_UNAVAILABLE);
}
const pkgVersion = (name) => {
  try {
    // By path: onnxruntime-web's exports map has no './package.json'.
    return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8'))
      .version;
  } catch {
    return null;
  }
};
const versions = {
  [`onnxruntime-${o.backend}`]: pkgVersion(`onnxruntime-${o.backend}`),
  node: process.versions.node,
};

let options;
if (o.backend === 'node') {
  options = {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  versions.executionProvider = 'cpu';
  versions.intraOpNumThreads = 1;
} else {
  ort.env.wasm.numThreads = 1; // single-threaded: no worker threads, no SharedArrayBuffer
  ort.env.wasm.proxy = false;
  options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  versions.executionProvider = 'wasm';
  versions.numThreads = 1;
}

if (o.check) {
  emit({ runner, ok: true, versions }, true);
  process.exit(0);
}

const data = loadExport(o.dir);
const session = await ort.InferenceSession.create(`${o.dir}/${o.model}.onnx`, options);
const [inName] = session.inputNames;
const [outName] = session.outputNames;
const run = async (x, b) => {
  const r = await session.run({ [inName]: new ort.Tensor('float32', x, [b, data.T, 1]) });
  return r[outName].data;
};
const timing = await measure(run, data, o);
emit({ runner, mode: 'inference', model: o.model, ...timing, threads: 1, versions }, o.json);
