/**
 * The published package, as a user gets it: `npm pack` the built engine, install the tarball into a fresh project
 * with the registry unreachable (so the install must need no network: the package has no dependencies), then
 * import every entry point there, train one step, round-trip safetensors, type-check a TypeScript consumer against
 * the shipped .d.ts files, and check `npm ls` and the tarball's contents. Prints the tarball and installed sizes.
 *
 * Needs the build (dist/src); the tarball is packed with --ignore-scripts so packing does not rebuild.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** A registry address that refuses connections at once: any attempt to reach a registry fails fast. */
const NO_REGISTRY = 'http://127.0.0.1:9';

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

/** Environment for the child npm: this process's, minus the npm_* variables a parent `npm test` sets. */
function npmEnv(cache: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return {
    ...env,
    npm_config_registry: NO_REGISTRY,
    npm_config_cache: cache,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(
    r.status,
    0,
    `${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`,
  );
  return r.stdout;
}

/** Total bytes of the files under `dir` (apparent size). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? treeBytes(p) : statSync(p).size;
  }
  return total;
}

const kB = (n: number): string => `${(n / 1024).toFixed(1)} kB`;

let tmp = '';
let env: NodeJS.ProcessEnv = {};
let app = '';
let pack: PackResult;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rnnlab-packaging-'));
  env = npmEnv(join(tmp, 'npm-cache'));
  const packDir = join(tmp, 'pack');
  mkdirSync(packDir);
  const out = run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir],
    PACKAGE_DIR,
    env,
  );
  pack = (JSON.parse(out) as PackResult[])[0]!;
  app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }),
  );
  run('npm', ['install', join(packDir, pack.filename), '--offline', '--no-audit', '--no-fund'], app, env);
});

after(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

test('the tarball ships the built entry points and data, and no tests, sources, maps or kernel by-products', () => {
  const paths = pack.files.map((f) => f.path);
  const shipped = new Set(paths);
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  for (const [entry, target] of Object.entries(manifest.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(
        shipped.has(file.replace(/^\.\//, '')),
        `export "${entry}" points to ${file}, not in the tarball`,
      );
    }
  }
  for (const file of [
    'package.json',
    'README.md',
    'data/dji.csv',
    'dist/src/kernels/generated/kernel_bytes.js',
  ])
    assert.ok(shipped.has(file), `${file} is in the tarball`);
  const unwanted = paths.filter(
    (p) =>
      !p.startsWith('dist/src/') ||
      /\.(map|wasm|wat)$/.test(p) ||
      (p.endsWith('.ts') && !p.endsWith('.d.ts')) ||
      p.includes('/assembly/'),
  );
  const allowedOutsideDist = new Set(['package.json', 'README.md', 'data/dji.csv', 'data/README.md']);
  assert.deepEqual(
    unwanted.filter((p) => !allowedOutsideDist.has(p)),
    [],
    'the tarball holds only dist/src (js + d.ts), data/ and the README',
  );
  console.log(
    `tarball ${pack.filename}: ${kB(pack.size)} packed, ${kB(pack.unpackedSize)} unpacked, ${pack.files.length} files`,
  );
});

test('npm ls --omit=dev in the fresh project lists rnnlab alone', () => {
  const tree = JSON.parse(run('npm', ['ls', '--omit=dev', '--all', '--json'], app, env)) as {
    dependencies?: Record<string, { version: string; dependencies?: Record<string, unknown> }>;
  };
  assert.deepEqual(Object.keys(tree.dependencies ?? {}), ['rnnlab']);
  assert.deepEqual(
    Object.keys(tree.dependencies?.rnnlab?.dependencies ?? {}),
    [],
    'rnnlab has no dependencies',
  );
  assert.deepEqual(
    readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.')),
    ['rnnlab'],
  );
  console.log(`npm ls --omit=dev --all:\n${run('npm', ['ls', '--omit=dev', '--all'], app, env).trimEnd()}`);
  const du = spawnSync('du', ['-sh', join(app, 'node_modules')], { encoding: 'utf8' });
  const disk = du.status === 0 ? `, du -sh node_modules: ${du.stdout.split('\t')[0]}` : '';
  console.log(`installed: node_modules/rnnlab ${kB(treeBytes(join(app, 'node_modules', 'rnnlab')))}${disk}`);
});

/** Runs in the fresh project: every entry point, one training step, safetensors round trip, the shipped data. */
const CONSUMER = `
import { manualSeed, nn, optim, tensor } from 'rnnlab';
import { DataLoader, makeWindows, StandardScaler } from 'rnnlab/data';
import { mae } from 'rnnlab/forecast';
import { loadSafetensors, saveSafetensors } from 'rnnlab/io';
import { loadDataset } from 'rnnlab/node';

manualSeed(0);
const dji = loadDataset();
const close = dji.columns.close;
const x = new StandardScaler().fit(close.subarray(0, 800)).transform(close);
const windows = makeWindows({ inputs: x, seqLen: 8 });
const loader = new DataLoader(windows, { batchSize: 4, shuffle: true, indices: [0, 1, 2, 3, 4, 5, 6, 7] });
const batch = loader[Symbol.iterator]().next().value;
const lstm = new nn.LSTM(1, 4, 1, { batchFirst: true });
const head = new nn.Linear(4, 1);
const opt = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.01 });
const X = tensor(batch.x, batch.xShape);
const Y = tensor(batch.y, batch.yShape);
const lossOf = () => new nn.MSELoss().forward(head.forward(lstm.forward(X)[0]).squeeze(-1), Y);
const first = lossOf();
opt.zeroGrad();
first.backward();
opt.step();
const bytes = saveSafetensors(lstm.stateDict(), { note: 'packaging test' });
const back = loadSafetensors(bytes);
console.log(JSON.stringify({
  rows: dji.rows,
  first: first.item(),
  second: lossOf().item(),
  names: Object.keys(back.tensors),
  metadata: back.metadata,
  mae: mae([1, 2], [1, 4]),
}));
`;

test('a fresh project imports rnnlab, rnnlab/data, rnnlab/forecast, rnnlab/io and rnnlab/node and trains a step', () => {
  writeFileSync(join(app, 'consumer.mjs'), CONSUMER);
  const out = JSON.parse(run(process.execPath, ['consumer.mjs'], app, env)) as {
    rows: number;
    first: number;
    second: number;
    names: string[];
    metadata: Record<string, string>;
    mae: number;
  };
  assert.equal(out.rows, 1257, 'loadDataset() finds the shipped data/dji.csv inside node_modules');
  assert.ok(
    Number.isFinite(out.first) && out.second < out.first,
    `one Adam step lowers the loss: ${out.first} → ${out.second}`,
  );
  assert.deepEqual(out.names.sort(), ['bias_hh_l0', 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0']);
  assert.deepEqual(out.metadata, { note: 'packaging test' });
  assert.equal(out.mae, 1);
});

/** Type-checked in the fresh project against the shipped .d.ts; the @ts-expect-error lines fail if types were `any`. */
const TYPED_CONSUMER = `
import { nn, type Tensor, tensor } from 'rnnlab';
import { DataLoader, makeWindows, type Windows } from 'rnnlab/data';
import { mae } from 'rnnlab/forecast';
import { loadSafetensors, saveSafetensors } from 'rnnlab/io';
import { defaultDatasetPath } from 'rnnlab/node';

const lstm: nn.LSTM = new nn.LSTM(1, 4, 2, { batchFirst: true });
const out: Tensor = lstm.forward(tensor([0, 1, 2], [1, 3, 1]))[0];
const windows: Windows = makeWindows({ inputs: new Float64Array(20), seqLen: 4 });
const loader = new DataLoader(windows, { batchSize: 2 });
const bytes: Uint8Array = saveSafetensors(lstm.stateDict());
const names: string[] = Object.keys(loadSafetensors(bytes).tensors);
const error: number = mae([1], [2]);
const path: string = defaultDatasetPath();
// @ts-expect-error batchSize is a number
new DataLoader(windows, { batchSize: '2' });
// @ts-expect-error LSTM's options have no batch_first (camelCase batchFirst)
new nn.LSTM(1, 4, 2, { batch_first: true });
export { error, loader, names, out, path };
`;

test('the shipped type declarations resolve for every entry point (TypeScript, NodeNext)', () => {
  writeFileSync(join(app, 'consumer.ts'), TYPED_CONSUMER);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      files: ['consumer.ts'],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], app, env);
});
