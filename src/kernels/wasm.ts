/**
 * Loads the AssemblyScript kernels (rnnlab.wasm, built by `npm run build:wasm`) once, synchronously,
 * and exposes their exports and their linear memory.
 */
import { readFileSync } from 'node:fs';

/** Raw exports of rnnlab.wasm. Pointers are byte offsets into `memory`; all buffers are f32, row-major. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  // biome-ignore lint/suspicious/noExplicitAny: kernel exports are typed where they are wrapped
  [name: string]: any;
}

function load(): KernelExports {
  const url = new URL('./rnnlab.wasm', import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch {
    throw new Error(
      `rnnlab: WebAssembly kernels not found at ${url.pathname}. Run \`npm run build\` (npm ci runs it for you).`,
    );
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        throw new Error(`rnnlab: WebAssembly kernel aborted at ${line}:${col}`);
      },
    },
  });
  return instance.exports as unknown as KernelExports;
}

export const kernels: KernelExports = load();
