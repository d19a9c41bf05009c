/**
 * The typed kernel exports (src/kernels/exports.ts) against the loaded module: every export is declared, every
 * declared function exists, and each takes as many arguments as its declared signature — so a kernel whose
 * AssemblyScript signature changes fails here instead of receiving shifted arguments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KERNEL_ARITY } from '../../src/kernels/exports.js';
import { kernelBuild, kernels } from '../../src/kernels/wasm.js';

test(`every export of the ${kernelBuild} build is declared with its parameter count`, () => {
  const loaded = Object.entries(kernels).filter(([, v]) => typeof v === 'function');
  const declared = Object.entries(KERNEL_ARITY);
  assert.deepEqual(
    loaded.map(([name]) => name).sort(),
    declared.map(([name]) => name).sort(),
    'exports.ts KERNEL_ARITY and the module export different functions',
  );
  for (const [name, fn] of loaded) {
    assert.equal(
      (fn as (...args: never[]) => unknown).length,
      KERNEL_ARITY[name as keyof typeof KERNEL_ARITY],
      `${name}: the module's parameter count differs from exports.ts`,
    );
  }
  assert.ok(kernels.memory instanceof WebAssembly.Memory);
});
