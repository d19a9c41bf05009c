/**
 * Loads the AssemblyScript kernels once per thread and exposes their exports and their linear memory. Runs the
 * same in Node (≥ 20), browsers, Web Workers and bundlers: the two builds are embedded in the package as base64
 * (kernels/generated/kernel_bytes.ts, written by `npm run build:wasm`), so there is no file or URL to locate, and
 * the module is compiled asynchronously (top-level await), which browsers require on the main thread.
 *
 * `npm run build:wasm` compiles the same source twice: rnnlab-relaxed.wasm with relaxed SIMD (fused multiply-add in
 * every GEMM kernel) and rnnlab.wasm with plain SIMD128. The relaxed build is used when `WebAssembly.validate`
 * accepts it. Node 20's V8 implements relaxed SIMD behind `--experimental-wasm-relaxed-simd` (on by default from
 * Node 22), so on Node 20 the loader turns that V8 flag on first; the flag only makes more WebAssembly instructions
 * valid. Elsewhere (a browser without relaxed SIMD) the plain build runs. `RNNLAB_KERNELS=simd` (environment
 * variable in Node, or `globalThis.RNNLAB_KERNELS` set before the first import) forces the plain build,
 * `relaxed-simd` requires the fused one.
 *
 * A thread can reuse a compiled module instead of compiling its own: a Node worker started with
 * `workerData.rnnlabKernels = sharedKernels`, or any thread (e.g. a Web Worker) that sets
 * `globalThis[Symbol.for('rnnlab.kernels')] = sharedKernels` before importing rnnlab.
 */
import type { KernelExports, KernelsByName } from './exports.js';
import { KERNEL_BASE64 } from './generated/kernel_bytes.js';

export type { KernelExports } from './exports.js';

/** Which build of the kernels runs: fused multiply-add (relaxed SIMD) or plain SIMD128 (multiply, then add). */
export type KernelBuild = 'relaxed-simd' | 'simd';

/** The embedded bytes of a build. */
function read(build: KernelBuild): Uint8Array<ArrayBuffer> {
  const text = atob(KERNEL_BASE64[build]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

interface NodeLike {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
}
const nodeProcess = (globalThis as { process?: NodeLike }).process;
const isNode = typeof nodeProcess?.versions?.node === 'string';

/** A Node built-in loaded only under Node; the specifier is computed so bundlers leave it alone. */
async function nodeBuiltin<T>(name: string): Promise<T | null> {
  if (!isNode) return null;
  const specifier = `node:${name}`;
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
  } catch {
    return null;
  }
}

/** True when this runtime compiles the relaxed-SIMD build, turning on V8's flag for it if needed (Node 20). */
async function acceptsRelaxed(bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (WebAssembly.validate(bytes)) return true;
  const v8 = await nodeBuiltin<{ setFlagsFromString(flags: string): void }>('v8');
  if (!v8) return false;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(bytes);
}

function wantedBuild(): string {
  const fromEnv = nodeProcess?.env?.RNNLAB_KERNELS;
  const fromGlobal = (globalThis as { RNNLAB_KERNELS?: unknown }).RNNLAB_KERNELS;
  return (fromEnv ?? (typeof fromGlobal === 'string' ? fromGlobal : '')).trim();
}

async function choose(): Promise<{ build: KernelBuild; bytes: Uint8Array<ArrayBuffer> }> {
  const wanted = wantedBuild();
  if (wanted !== '' && wanted !== 'auto' && wanted !== 'simd' && wanted !== 'relaxed-simd')
    throw new Error(
      `rnnlab: RNNLAB_KERNELS='${wanted}' is not a kernel build: use 'relaxed-simd', 'simd' or 'auto' (or unset it).`,
    );
  if (wanted === 'simd') return { build: 'simd', bytes: read('simd') };
  const relaxed = read('relaxed-simd');
  if (await acceptsRelaxed(relaxed)) return { build: 'relaxed-simd', bytes: relaxed };
  if (wanted === 'relaxed-simd')
    throw new Error(
      `rnnlab: RNNLAB_KERNELS=relaxed-simd, but this runtime (${isNode ? `Node ${nodeProcess?.versions?.node}` : 'this browser'}) ` +
        'does not compile relaxed SIMD. Unset RNNLAB_KERNELS to fall back to plain SIMD.',
    );
  return { build: 'simd', bytes: read('simd') };
}

async function instantiate(module: WebAssembly.Module): Promise<KernelExports & KernelsByName> {
  const instance = await WebAssembly.instantiate(module, {
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

/** The hook a thread sets to reuse a compiled module: `globalThis[KERNELS_HOOK] = sharedKernels`. */
export const KERNELS_HOOK = Symbol.for('rnnlab.kernels');

function isShared(x: unknown): x is SharedKernels {
  return typeof x === 'object' && x !== null && (x as SharedKernels).module instanceof WebAssembly.Module;
}

/** A module handed over by the parent thread: the global hook, or a Node worker's `workerData.rnnlabKernels`. */
async function fromParent(): Promise<SharedKernels | null> {
  const hooked = (globalThis as Record<symbol, unknown>)[KERNELS_HOOK];
  if (isShared(hooked)) return hooked;
  const wt = await nodeBuiltin<{ isMainThread: boolean; workerData: unknown }>('worker_threads');
  if (!wt || wt.isMainThread) return null;
  const shared = (wt.workerData as { rnnlabKernels?: unknown } | null)?.rnnlabKernels;
  return isShared(shared) ? shared : null;
}

async function compile(): Promise<SharedKernels> {
  const { build, bytes } = await choose();
  return { module: await WebAssembly.compile(bytes), build };
}

/** This thread's compiled kernels; post it to workers as `workerData.rnnlabKernels` (or set the global hook). */
export const sharedKernels: SharedKernels = (await fromParent()) ?? (await compile());

/** The build in use in this thread (and in worker threads given `sharedKernels`). */
export const kernelBuild: KernelBuild = sharedKernels.build;

/** This thread's kernel instance: its exports with their AssemblyScript signatures (see exports.ts). */
export const kernels: KernelExports & KernelsByName = await instantiate(sharedKernels.module);
