/**
 * The WebAssembly allocator under requests it cannot serve: sizes beyond 2³¹ bytes are aligned without 32-bit
 * wrap-around, a failed allocation leaves the allocator exactly as it was, and modules refuse impossible sizes
 * up front with a message naming the module and the bytes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualSeed, nn, optim, tensor } from '../../src/index.js';
import {
  alloc,
  allocatedBytes,
  availableBytes,
  blockBytes,
  checkFits,
  f32view,
  free,
  heapTop,
  WASM_MEMORY_LIMIT_BYTES,
  WasmMemoryError,
} from '../../src/kernels/memory.js';
import { kernels } from '../../src/kernels/wasm.js';

/** Everything a failed allocation must leave unchanged. */
function allocatorState() {
  return { top: heapTop(), allocated: allocatedBytes, memory: kernels.memory.buffer.byteLength };
}

/** Losses of 5 Adam steps of a seeded LSTM(1, 8) + Linear on a fixed sine batch. */
function trainSmallModel(): number[] {
  manualSeed(11);
  const lstm = new nn.LSTM({ inputSize: 1, hiddenSize: 8, batchFirst: true });
  const head = new nn.Linear(8, 1);
  const opt = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-2 });
  const x = tensor(
    Float32Array.from({ length: 4 * 6 }, (_, i) => Math.sin(i / 3)),
    [4, 6, 1],
  );
  const y = tensor(
    Float32Array.from({ length: 4 * 6 }, (_, i) => Math.sin((i + 1) / 3)),
    [4, 6, 1],
  );
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    const loss = new nn.MSELoss().forward(head.forward(lstm.forward(x)[0]), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

describe('allocator', () => {
  test('block sizes beyond 2³¹ bytes align by arithmetic (the old 32-bit & wrapped them negative)', () => {
    // (2^29 + 1) floats = 2^31 + 4 bytes → next multiple of 16 = 2^31 + 16 = 2147483664.
    assert.equal(blockBytes(2 ** 29 + 1), 2147483664);
    // LSTM hidden 12000: W_hh (48000, 12000) = 576 000 000 floats = 2 304 000 000 bytes (a multiple of 16).
    assert.equal(blockBytes(48000 * 12000), 2304000000);
    assert.equal(blockBytes(0), 16);
    assert.equal(blockBytes(5), 32);
  });

  test('a block beyond the 4 GiB limit fails and changes nothing; training afterwards gives the same numbers', () => {
    const reference = trainSmallModel();
    const before = allocatorState();
    // 2^30 floats = 4 GiB: with the heap base below it, past the limit.
    assert.throws(
      () => alloc(2 ** 30),
      (e: Error) =>
        e instanceof WasmMemoryError &&
        /^rnnlab: cannot allocate 4\.29 GB of WebAssembly memory: that would pass the 4 GiB limit/.test(
          e.message,
        ),
    );
    assert.deepEqual(allocatorState(), before);
    // A block that fits below the limit only without the current heap also fails cleanly.
    assert.throws(() => alloc((WASM_MEMORY_LIMIT_BYTES - heapTop()) / 4 + 4), WasmMemoryError);
    assert.deepEqual(allocatorState(), before);
    assert.deepEqual(trainSmallModel(), reference);
  });

  test('sizes that are not integers >= 0 are a WasmMemoryError, not a RangeError from a typed array', () => {
    const before = allocatorState();
    for (const n of [-3, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      assert.throws(() => alloc(n), WasmMemoryError, String(n));
    }
    assert.deepEqual(allocatorState(), before);
  });

  test('blocks still grow the memory, aligned and zeroed, and are reused after free', () => {
    const have = kernels.memory.buffer.byteLength;
    const floats = have / 4 + 1000; // more than the whole current memory
    const p = alloc(floats);
    assert.equal(p % 16, 0);
    assert.ok(kernels.memory.buffer.byteLength >= p + floats * 4);
    const view = f32view(p, floats);
    assert.equal(view[0], 0);
    assert.equal(view[floats - 1], 0);
    view[0] = 7;
    free(p);
    const again = alloc(floats);
    assert.equal(again, p, 'exact-size free list');
    assert.equal(f32view(again, 1)[0], 0, 'zero-filled on reuse');
    free(again);
  });

  test('checkFits passes what fits and names the need and the limit otherwise', () => {
    checkFits(1024, 'a small buffer', 'unused');
    assert.throws(
      () => checkFits(availableBytes() + 1, 'Test(7) parameters', 'Use less.'),
      /^WasmMemoryError: Test\(7\) parameters need 4\.\d\d GB of WebAssembly memory, but only 4\.\d\d GB of its 4\.29 GB limit \(65536 pages\) is free\. Use less\.$/,
    );
  });
});

describe('modules check their parameter memory before allocating', () => {
  test('LSTM hidden 100000 fails at once naming the module and the bytes, then hidden 8 trains as before', () => {
    const reference = trainSmallModel();
    const before = allocatorState();
    const t0 = performance.now();
    // W_ih (400000, 1) + W_hh (400000, 100000) + 2 biases (400000): 4·(400000 + 4e10 + 800000) bytes = 160 GB.
    assert.throws(
      () => new nn.LSTM({ inputSize: 1, hiddenSize: 100000 }),
      (e: Error) =>
        e instanceof WasmMemoryError &&
        e.message.startsWith(
          'LSTM(inputSize 1, hiddenSize 100000, numLayers 1): its parameters need 160 GB of WebAssembly memory',
        ) &&
        e.message.endsWith('Use a smaller hiddenSize, numLayers or inputSize.'),
    );
    assert.ok(performance.now() - t0 < 500, `${performance.now() - t0} ms`);
    assert.deepEqual(allocatorState(), before);
    assert.deepEqual(trainSmallModel(), reference);
  });

  test('bidirectional GRU and Linear: the same check', () => {
    // GRU(10, 20000, 2 layers, bidirectional): layer 0 3·20000·(10 + 20000 + 2) floats, layer 1 3·20000·(40000 +
    // 20000 + 2) floats, ×2 directions → 4·2·(1 200 720 000 + 3 600 120 000) bytes = 38.4 GB.
    assert.throws(
      () => new nn.GRU({ inputSize: 10, hiddenSize: 20000, numLayers: 2, bidirectional: true }),
      /^WasmMemoryError: GRU\(inputSize 10, hiddenSize 20000, numLayers 2, bidirectional\): its parameters need 38\.4 GB/,
    );
    // Linear(100000, 30000): 4·(3e9 + 30000) bytes = 12.0 GB.
    assert.throws(
      () => new nn.Linear(100000, 30000),
      /^WasmMemoryError: Linear\(100000, 30000\): its parameters need 12\.0 GB of WebAssembly memory/,
    );
  });
});
