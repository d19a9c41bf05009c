/**
 * Loads the AssemblyScript kernels once, synchronously, and exposes their exports and their linear memory.
 *
 * `npm run build:wasm` compiles the same source twice: rnnlab-relaxed.wasm with relaxed SIMD (fused multiply-add in
 * every GEMM kernel) and rnnlab.wasm with plain SIMD128. The relaxed build is used when the runtime accepts it.
 * Node 20's V8 implements relaxed SIMD behind `--experimental-wasm-relaxed-simd` (on by default from Node 22), so
 * on Node 20 the loader turns that V8 flag on before compiling; the flag only makes more WebAssembly instructions
 * valid. `RNNLAB_KERNELS=simd` forces the plain build, `RNNLAB_KERNELS=relaxed-simd` requires the fused one.
 *
 * A worker thread started with `workerData.rnnlabKernels = sharedKernels` reuses the parent's compiled module
 * (and its build choice) instead of compiling its own.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { isMainThread, workerData } from 'node:worker_threads';

import type { KernelExports, KernelsByName } from './exports.js';

export type { KernelExports } from './exports.js';

/** Which build of the kernels runs: fused multiply-add (relaxed SIMD) or plain SIMD128 (multiply, then add). */
export type KernelBuild = 'relaxed-simd' | 'simd';

const FILES: Record<KernelBuild, string> = { 'relaxed-simd': './rnnlab-relaxed.wasm', simd: './rnnlab.wasm' };

function read(build: KernelBuild): Uint8Array<ArrayBuffer> {
  const url = new URL(FILES[build], import.meta.url);
  try {
    return new Uint8Array(readFileSync(url));
  } catch {
    throw new Error(
      `rnnlab: WebAssembly kernels not found at ${url.pathname}. Run \`npm run build\` (npm ci runs it for you).`,
    );
  }
}

/** True when this runtime compiles the relaxed-SIMD build, turning on V8's flag for it if needed (Node 20). */
function acceptsRelaxed(bytes: Uint8Array<ArrayBuffer>): boolean {
  if (WebAssembly.validate(bytes)) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(bytes);
}

function choose(): { build: KernelBuild; bytes: Uint8Array<ArrayBuffer> } {
  const wanted = process.env.RNNLAB_KERNELS?.trim() ?? '';
  if (wanted !== '' && wanted !== 'auto' && wanted !== 'simd' && wanted !== 'relaxed-simd')
    throw new Error(
      `rnnlab: RNNLAB_KERNELS='${wanted}' is not a kernel build: use 'relaxed-simd', 'simd' or 'auto' (or unset it).`,
    );
  if (wanted === 'simd') return { build: 'simd', bytes: read('simd') };
  const relaxed = read('relaxed-simd');
  if (acceptsRelaxed(relaxed)) return { build: 'relaxed-simd', bytes: relaxed };
  if (wanted === 'relaxed-simd')
    throw new Error(
      `rnnlab: RNNLAB_KERNELS=relaxed-simd, but this runtime (Node ${process.versions.node}) does not compile ` +
        'relaxed SIMD. Unset RNNLAB_KERNELS to fall back to plain SIMD.',
    );
  return { build: 'simd', bytes: read('simd') };
}

function instantiate(module: WebAssembly.Module): KernelExports & KernelsByName {
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        throw new Error(`rnnlab: WebAssembly kernel aborted at ${line}:${col}`);
      },
    },
  });
  return instance.exports as unknown as KernelExports & KernelsByName;
}

/** A compiled kernel module and its build, as passed to worker threads. */
export interface SharedKernels {
  module: WebAssembly.Module;
  build: KernelBuild;
}

function fromParent(): SharedKernels | null {
  if (isMainThread) return null;
  const shared = (workerData as { rnnlabKernels?: SharedKernels } | null)?.rnnlabKernels;
  return shared?.module instanceof WebAssembly.Module ? shared : null;
}

function compile(): SharedKernels {
  const { build, bytes } = choose();
  return { module: new WebAssembly.Module(bytes), build };
}

/** This thread's compiled kernels; post it to workers as `workerData.rnnlabKernels`. */
export const sharedKernels: SharedKernels = fromParent() ?? compile();

/** The build in use in this process (and in its worker threads, which choose the same way). */
export const kernelBuild: KernelBuild = sharedKernels.build;

/** This thread's kernel instance: its exports with their AssemblyScript signatures (see exports.ts). */
export const kernels: KernelExports & KernelsByName = instantiate(sharedKernels.module);
