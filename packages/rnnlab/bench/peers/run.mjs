#!/usr/bin/env node
// Benchmark harness for rnnlab against its peers (issue 4).
//
// Runs every available runner (rnnlab, PyTorch 1.13 and 2.6, TF.js wasm, TF.js cpu) on the tutorial workload, one
// process at a time, interleaved (rep 1: runner A model 1, runner B model 1, ..., rep 2: ...), prints a table of
// medians with the ratio rnnlab / peer, and writes bench/results/<date>.json plus an SVG chart. --scaling runs the
// scaling study (ms per training step, LSTM, as hidden size and sequence length grow); --compare times the
// four-model `rnnlab compare` end to end against PyTorch training the four sequentially; --memory checks RSS growth
// over long training; --inference times inference of the same trained weights in rnnlab, PyTorch and ONNX Runtime
// (node and web). Every runner's JSON line is checked against the contract (contract.mjs). See README.md.
//
// PyTorch runs in two flavours: `torch` is the host's Python with Debian 12's python3-torch (1.13), `torch2` the
// same scripts inside a Debian 13 root with its python3-torch (2.6), made by setup-torch2.sh and entered with
// chroot. --torch-threads 1,2 adds `torch-t2` / `torch2-t2` (2 intra-op threads) next to the 1-thread runners.

import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { contractProblems, inferenceProblems } from './contract.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const MODELS = ['drnn', 'brnn', 'lstm', 'gru'];
const SCALING_HIDDEN = [32, 64, 128, 256, 512];
const SCALING_SEQ = [16, 32, 64, 128, 256];
const COMPARE_LABELS = { drnn: 'Deep RNN', brnn: 'Bidirectional RNN', lstm: 'LSTM', gru: 'GRU' };
const MEMORY_LIMIT_PCT = 5; // issue 4: RSS after 200 epochs within 5% of RSS after 10
const ONE_THREAD_ENV = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const threadEnv = (n) => ({ OMP_NUM_THREADS: `${n}`, OPENBLAS_NUM_THREADS: `${n}`, MKL_NUM_THREADS: `${n}` });
const EXIT_UNAVAILABLE = 3;
const DATA = join(REPO, 'data', 'dji.csv');
/** setup-torch2.sh's default root (Debian 13 + python3-torch 2.6); TORCH2_ROOT or --torch2-root override it. */
const TORCH2_DEFAULT_ROOT = '/opt/torch2-trixie';
/** chroot lives in /usr/sbin, which a non-login PATH may lack. */
const CHROOT = existsSync('/usr/sbin/chroot') ? '/usr/sbin/chroot' : 'chroot';
/** Where the harness copies the Python scripts and the data inside that root. */
const TORCH2_IN_ROOT = '/tmp/rnnlab-bench';
const TORCH2_SKIP =
  'PyTorch 2.6 runner skipped: run bench/peers/setup-torch2.sh (debootstrap trixie, ~1.5 GB)';
const out = (s = '') => process.stdout.write(`${s}\n`);
const err = (s = '') => process.stderr.write(`${s}\n`);

const HELP = `usage: node bench/peers/run.mjs [options]

modes (default: the suite)
  --scaling             scaling study: ms per training step, LSTM, B=16, hidden ${SCALING_HIDDEN.join(',')} (T=16)
                        and seq ${SCALING_SEQ.join(',')} (H=64); runners rnnlab,torch unless --runners
  --compare             four-model compare end to end: 'rnnlab compare --no-report --quiet --epochs E' (worker
                        threads, both cores), the same with --workers 0 (rnnlab-seq, one thread), against
                        PyTorch training the same four models x 3 seeds sequentially (torch_compare.py --seeds 3,
                        one thread); wall time of each process; --epochs default 20 (compare's default)
  --inference           inference of the same trained weights (exported from PyTorch: safetensors for rnnlab,
                        ONNX for ONNX Runtime) in rnnlab, torch, torch2, ort-node (CPU provider, 1 intra-op
                        thread) and ort-web (wasm backend in Node, 1 thread): batch-1 latency per window, all
                        1241 windows in batches of 16, and as one batch; GFLOP/s; max |diff| of the outputs
                        against the exporter's; --epochs = training epochs before export (default 2; --quick 1)
  --memory              RSS growth: each model trained for B epochs with RSS sampled after epochs A and B
                        (forced GC: node --expose-gc; Python gc.collect()); limit ${MEMORY_LIMIT_PCT}%; runners rnnlab
                        unless --runners (torch supports it too); 1 repetition unless --reps
  --rss-epochs A,B      memory mode's sample epochs (default 10,200; --quick 2,5)

options
  --quick               1 repetition, 2 epochs (scaling: 5 steps; memory: --rss-epochs 2,5)
  --reps N              repetitions, interleaved across runners (default 3, at least 3 unless --quick)
  --epochs N            training epochs per run; epoch 1 is warm-up (default 10; --compare: 20)
  --tfjs-epochs N       epochs for the TF.js runners, which are 10-100x slower (default min(epochs, 3))
  --models a,b          subset of drnn,brnn,lstm,gru (default all four)
  --runners a,b         subset of rnnlab,torch,torch2,tfjs-wasm,tfjs-cpu (default: all that are available;
                        scaling: rnnlab,torch; compare: rnnlab,rnnlab-seq,torch,torch2; memory: rnnlab;
                        inference: rnnlab,torch,torch2,ort-node,ort-web); 'torch' / 'torch2' select every
                        thread count of that flavour, 'torch2-t2' just one
  --torch-threads LIST  PyTorch intra-op thread counts, e.g. 1,2 (default 1): one runner per count and flavour,
                        named torch / torch2 for 1 thread and torch-tN / torch2-tN for N; the table then says
                        which count was fastest
  --torch2-root DIR     the Debian 13 root of the torch2 runners (default $TORCH2_ROOT, else
                        ${TORCH2_DEFAULT_ROOT}); absent: torch2 is skipped with a note
  --passes N            inference: timed passes per process for one batch and batches of 16 (default 5;
                        --quick 3; batch 1 is always one pass over all windows)
  --runner name=CMD     add (or replace) a runner: CMD is a command line that accepts the runner flags and
                        prints the JSON line; may be repeated
  --steps N             timed steps per scaling point (default 30)
  --timeout S           seconds before one run is killed (default 3600)
  --out DIR             results folder (default bench/results)
  --no-write            print only; write no files
  --verbose             pass the runners' progress (stderr) through
  -h, --help            this text`;

function parseCli() {
  let v;
  try {
    v = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        reps: { type: 'string' },
        epochs: { type: 'string' },
        'tfjs-epochs': { type: 'string' },
        models: { type: 'string' },
        runners: { type: 'string' },
        runner: { type: 'string', multiple: true, default: [] },
        scaling: { type: 'boolean', default: false },
        compare: { type: 'boolean', default: false },
        memory: { type: 'boolean', default: false },
        inference: { type: 'boolean', default: false },
        'rss-epochs': { type: 'string' },
        'torch-threads': { type: 'string', default: '1' },
        'torch2-root': { type: 'string' },
        passes: { type: 'string' },
        steps: { type: 'string' },
        timeout: { type: 'string', default: '3600' },
        out: { type: 'string', default: join(REPO, 'bench', 'results') },
        'no-write': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    err(e.message);
    err(HELP);
    process.exit(2);
  }
  if (v.help) {
    out(HELP);
    process.exit(0);
  }
  const int = (name, value, min) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      err(`--${name} must be an integer >= ${min}`);
      process.exit(2);
    }
    return n;
  };
  const modes = ['scaling', 'compare', 'memory', 'inference'].filter((m) => v[m]);
  if (modes.length > 1) {
    err(`choose one mode: ${modes.map((m) => `--${m}`).join(' or ')}`);
    process.exit(2);
  }
  const mode = modes[0] ?? 'suite';
  const reps = int('reps', v.reps ?? (v.quick || mode === 'memory' ? 1 : 3), 1);
  if (!v.quick && reps < 3 && mode !== 'memory') {
    err(`note: ${reps} repetition(s); the suite's published numbers use at least 3`);
  }
  const defaultEpochs = mode === 'inference' ? (v.quick ? 1 : 2) : v.quick ? 2 : mode === 'compare' ? 20 : 10;
  const epochs = int('epochs', v.epochs ?? defaultEpochs, 1);
  const torchThreads = [
    ...new Set(v['torch-threads'].split(',').map((x) => int('torch-threads', x.trim(), 1))),
  ].sort((a, b) => a - b);
  const rssText = v['rss-epochs'] ?? (v.quick ? '2,5' : '10,200');
  const rssEpochs = rssText.split(',').map((x) => int('rss-epochs', x.trim(), 1));
  if (rssEpochs.length !== 2 || rssEpochs[1] <= rssEpochs[0]) {
    err(`--rss-epochs expects two ascending epochs A,B (e.g. 10,200), got ${rssText}`);
    process.exit(2);
  }
  const models = (v.models ?? MODELS.join(',')).split(',').filter(Boolean);
  for (const m of models) {
    if (!MODELS.includes(m)) {
      err(`unknown model ${m}`);
      process.exit(2);
    }
  }
  return {
    quick: v.quick,
    reps,
    epochs,
    tfjsEpochs: int('tfjs-epochs', v['tfjs-epochs'] ?? Math.min(epochs, 3), 1),
    models,
    runners: v.runners ? v.runners.split(',').filter(Boolean) : null,
    extraRunners: v.runner,
    mode,
    scaling: v.scaling,
    rssEpochs,
    steps: int('steps', v.steps ?? (v.quick ? 5 : 30), 1),
    torchThreads,
    torch2Root: resolve(v['torch2-root'] ?? process.env.TORCH2_ROOT ?? TORCH2_DEFAULT_ROOT),
    passes: int('passes', v.passes ?? (v.quick ? 3 : 5), 1),
    timeoutMs: int('timeout', v.timeout, 1) * 1000,
    outDir: resolve(v.out),
    write: !v['no-write'],
    verbose: v.verbose,
  };
}

/** Shell-like split of a command line (double and single quotes, no escapes beyond that). */
function splitCommand(s) {
  const words = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

function pythonForTorch() {
  // Debian's python3-torch lands in the system Python, not in a pyenv/venv python that may come first on PATH.
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** A probe that runs `cmd args --check`: exit 0 with a JSON line = usable; exit 3 = not installed. */
function checkProbe(cmd, args, hint, env = { ...process.env, ...ONE_THREAD_ENV }) {
  return () => {
    const r = spawnSync(cmd, [...args, '--check'], { encoding: 'utf8', env, timeout: 180_000 });
    if (r.error) return { ok: false, note: `${cmd}: ${r.error.message}. ${hint}` };
    if (r.status !== 0) {
      const why = (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' ');
      return {
        ok: false,
        note: `${why || `exit ${r.status}`}${r.status === EXIT_UNAVAILABLE ? '' : ` ${hint}`}`,
      };
    }
    const info = lastJson(r.stdout);
    return { ok: true, note: '', versions: info?.versions ?? null };
  };
}

/** Whether `dir` is a mount point (per /proc/mounts). */
function isMountPoint(dir) {
  let real;
  try {
    real = realpathSync(dir);
    return readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .some((line) => line.split(' ')[1]?.replace(/\\040/g, ' ') === real);
  } catch {
    return false;
  }
}

const torch2Prepared = new Map();
/**
 * Makes the torch2 root usable, once per harness run: root needed (chroot), /proc mounted in it, the Python
 * scripts and the data copied to TORCH2_IN_ROOT inside it (a copy, not a bind mount: nothing to unmount later).
 */
function prepareTorch2(root) {
  if (torch2Prepared.has(root)) return torch2Prepared.get(root);
  const result = (() => {
    if (!existsSync(join(root, 'usr', 'bin', 'python3'))) {
      return { ok: false, note: `${TORCH2_SKIP} (no ${join(root, 'usr', 'bin', 'python3')})` };
    }
    if (process.getuid?.() !== 0) {
      return { ok: false, note: `PyTorch 2.6 runner skipped: chroot into ${root} needs root` };
    }
    const proc = join(root, 'proc');
    if (!isMountPoint(proc)) {
      mkdirSync(proc, { recursive: true });
      const m = spawnSync('mount', ['-t', 'proc', 'proc', proc], { encoding: 'utf8' });
      if (m.status !== 0) {
        return {
          ok: false,
          note: `mount -t proc proc ${proc} failed: ${(m.stderr || m.error?.message || '').trim()}`,
        };
      }
    }
    const dest = join(root, TORCH2_IN_ROOT.slice(1));
    mkdirSync(dest, { recursive: true });
    for (const f of ['torch_runner.py', 'torch_compare.py', 'torch_infer.py'])
      copyFileSync(join(HERE, f), join(dest, f));
    copyFileSync(DATA, join(dest, 'dji.csv'));
    return { ok: true, note: '' };
  })();
  torch2Prepared.set(root, result);
  return result;
}

/**
 * The environment of a torch2 process: a clean one (the host's PYTHONPATH, LD_LIBRARY_PATH or a venv would point
 * the root's Python at host files), the thread counts, and the host's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE only
 * when TORCH2_OPENBLAS_ENV=keep: they pin old OpenBLAS builds to safe kernels on this machine's CPUs and slow a
 * current one; trixie's OpenBLAS 0.3.29 picks its own (the runner reports it in versions.openblasCore).
 */
function torch2Env(threads) {
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    ...threadEnv(threads),
  };
  if (process.env.TORCH2_OPENBLAS_ENV === 'keep') {
    for (const k of ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']) if (process.env[k]) env[k] = process.env[k];
  }
  return env;
}

/**
 * PyTorch runners for `script` (torch_runner.py, torch_compare.py or torch_infer.py): for each thread count of
 * --torch-threads, `torch[-tN]` (host Python, Debian 12's torch 1.13) and `torch2[-tN]` (chroot into the Debian 13
 * root, torch 2.6). `mapPath` turns a host path into the path the process sees.
 */
function torchRunners(o, script, extra = {}) {
  const py = pythonForTorch();
  const root = o.torch2Root;
  const inRoot = `${TORCH2_IN_ROOT}/${script}`;
  const list = [];
  for (const flavour of ['torch', 'torch2']) {
    for (const n of o.torchThreads) {
      const name = `${flavour}${n === 1 ? '' : `-t${n}`}`;
      const threadArgs = ['--threads', String(n)];
      if (flavour === 'torch') {
        const args = [join(HERE, script), ...threadArgs];
        const env = { ...process.env, ...threadEnv(n) };
        list.push({
          name,
          flavour,
          threads: n,
          cmd: py,
          args,
          env,
          mapPath: (p) => p,
          probe: checkProbe(
            py,
            args,
            "PyTorch not found: install Debian's python3-torch (apt-get install -y python3-torch)",
            env,
          ),
          ...extra,
        });
      } else {
        const args = [root, '/usr/bin/python3', inRoot, '--data', `${TORCH2_IN_ROOT}/dji.csv`, ...threadArgs];
        const env = torch2Env(n);
        list.push({
          name,
          flavour,
          threads: n,
          cmd: CHROOT,
          args,
          env,
          mapPath: (p) => `/${relative(root, p)}`,
          probe: () => {
            const ready = prepareTorch2(root);
            if (!ready.ok) return ready;
            return checkProbe(
              CHROOT,
              args,
              `(the root is incomplete: run bench/peers/setup-torch2.sh ${root})`,
              env,
            )();
          },
          ...extra,
        });
      }
    }
  }
  return list;
}

/** The known runners. `probe` returns { ok, note, versions }. */
function defaultRunners(o) {
  const node = process.execPath;
  const rnnlabScript = join(REPO, 'dist', 'bench', 'rnnlab_runner.js');
  const rnnlabProbe = () =>
    existsSync(rnnlabScript)
      ? checkProbe(node, [rnnlabScript], '(build the repo: npm run build at its root)')()
      : {
          ok: false,
          note: `${relative(REPO, rnnlabScript)} not found (build the repo: npm run build at its root)`,
        };
  return [
    {
      name: 'rnnlab',
      cmd: node,
      // Memory mode: --expose-gc so that the runner can force a collection before sampling RSS.
      args: o.mode === 'memory' ? ['--expose-gc', rnnlabScript] : [rnnlabScript],
      epochs: o.epochs,
      steps: true,
      threads: 1,
      probe: rnnlabProbe,
    },
    {
      // One model on both cores: data-parallel training (--threads 2, the library's fit loop).
      name: 'rnnlab-t2',
      cmd: node,
      args: [rnnlabScript, '--threads', '2'],
      epochs: o.epochs,
      steps: false,
      threads: 2,
      probe: rnnlabProbe,
    },
    ...torchRunners(o, 'torch_runner.py', { epochs: o.epochs, steps: true }),
    ...['wasm', 'cpu'].map((backend) => ({
      name: `tfjs-${backend}`,
      cmd: node,
      args: [join(HERE, 'tfjs_runner.mjs'), '--backend', backend],
      epochs: o.tfjsEpochs,
      steps: true,
      threads: 1,
      probe: checkProbe(
        node,
        [join(HERE, 'tfjs_runner.mjs'), '--backend', backend],
        `(run npm install in ${relative(REPO, HERE) || '.'})`,
      ),
    })),
  ];
}

/** Seeds per model in compare mode: `rnnlab compare`'s default, passed to torch_compare.py as --seeds. */
const COMPARE_SEEDS = 3;

/** Compare mode's runners: the rnnlab CLI (workers, and --workers 0) and torch_compare.py (torch, torch2). */
function compareRunners(o) {
  const node = process.execPath;
  const cli = join(REPO, '..', 'workbench', 'dist', 'src', 'cli', 'main.js');
  const cliArgs = [cli, 'compare', '--no-report', '--quiet', '--no-color', '--epochs', String(o.epochs)];
  const cliProbe = () =>
    existsSync(cli)
      ? { ok: true, note: '' }
      : { ok: false, note: `${relative(REPO, cli)} not found (build the repo: npm run build at its root)` };
  const torch = torchRunners(o, 'torch_compare.py').map((r) => ({
    ...r,
    args: [...r.args, '--epochs', String(o.epochs), '--seeds', String(COMPARE_SEEDS), '--json'],
    output: 'json',
  }));
  return [
    { name: 'rnnlab', cmd: node, args: cliArgs, output: 'cli', threads: 2, probe: cliProbe },
    {
      name: 'rnnlab-seq',
      cmd: node,
      args: [...cliArgs, '--workers', '0'],
      output: 'cli',
      threads: 1,
      probe: cliProbe,
    },
    ...torch,
  ];
}

/** Inference mode's runners; each takes --dir DIR --model M --out FILE --reps N --json (mapped by mapPath). */
function inferenceRunners(o) {
  const node = process.execPath;
  const same = (p) => p;
  const ortHint = `(run npm ci --ignore-scripts in ${relative(REPO, HERE) || '.'})`;
  return [
    {
      name: 'rnnlab',
      cmd: node,
      args: [join(HERE, 'rnnlab_infer.mjs')],
      threads: 1,
      mapPath: same,
      probe: checkProbe(
        node,
        [join(HERE, 'rnnlab_infer.mjs')],
        '(build the repo: npm run build at its root)',
      ),
    },
    ...torchRunners(o, 'torch_infer.py'),
    ...['node', 'web'].map((backend) => ({
      name: `ort-${backend}`,
      cmd: node,
      args: [join(HERE, 'ort_infer.mjs'), '--backend', backend],
      threads: 1,
      mapPath: same,
      probe: checkProbe(node, [join(HERE, 'ort_infer.mjs'), '--backend', backend], ortHint),
    })),
  ];
}

function selectRunners(o) {
  const runners =
    o.mode === 'compare'
      ? compareRunners(o)
      : o.mode === 'inference'
        ? inferenceRunners(o)
        : defaultRunners(o);
  for (const spec of o.extraRunners) {
    const eq = spec.indexOf('=');
    if (eq < 1) {
      err(`--runner expects name=command, got ${spec}`);
      process.exit(2);
    }
    const name = spec.slice(0, eq);
    const [cmd, ...args] = splitCommand(spec.slice(eq + 1));
    const r = {
      name,
      cmd,
      args,
      epochs: o.epochs,
      steps: true,
      mapPath: (p) => p,
      probe: () => ({ ok: true, note: 'custom' }),
    };
    const at = runners.findIndex((x) => x.name === name);
    if (at >= 0) runners[at] = r;
    else runners.push(r);
  }
  const defaults = {
    scaling: ['rnnlab', 'torch'],
    memory: ['rnnlab'],
  };
  const wanted = o.runners ?? defaults[o.mode] ?? runners.map((r) => r.name);
  // A flavour name ('torch', 'torch2') selects every thread count of it.
  const picked = (r) => wanted.includes(r.name) || (r.flavour !== undefined && wanted.includes(r.flavour));
  for (const w of wanted) {
    if (!runners.some((r) => r.name === w || r.flavour === w)) err(`note: unknown runner ${w} ignored`);
  }
  // rnnlab first, so every repetition starts with it; then the peers in a fixed order.
  return runners.filter(picked);
}

function lastJson(text) {
  const lines = String(text).trim().split('\n').reverse();
  for (const line of lines) {
    const s = line.trim();
    if (!s.startsWith('{')) continue;
    try {
      return JSON.parse(s);
    } catch {}
  }
  return null;
}

/** Runs one process to completion (never two at once): exit code, output, wall time, load average at start. */
function runProcess(cmd, args, o, env = { ...process.env, ...ONE_THREAD_ENV }) {
  return new Promise((resolveRun) => {
    const load1 = loadavg()[0];
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (o.verbose) process.stderr.write(d);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolveRun({
        code: null,
        spawnError: e.message,
        stdout,
        stderr,
        wallMs: performance.now() - t0,
        load1,
      });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, timedOut, stdout, stderr, wallMs: performance.now() - t0, load1 });
    });
  });
}

/** Why a finished process counts as failed, with the tail of its stderr. */
function failure(p, o, extra = '') {
  if (p.spawnError) return p.spawnError;
  const tail = p.stderr.trim().split('\n').slice(-5).join('\n');
  const why = p.timedOut ? `timed out after ${o.timeoutMs / 1000} s` : `exit ${p.code ?? p.signal}`;
  return `${why}${extra}\n${tail}`;
}

/**
 * Runs one runner (appending --json) and checks its JSON line against the contract; `expect` pins the mode and
 * what was asked for (see contract.mjs). A line that breaks the contract makes the run a failed one.
 */
async function runOnce(runner, extraArgs, o, expect) {
  const p = await runProcess(runner.cmd, [...runner.args, ...extraArgs, '--json'], o, runner.env);
  const base = { wallMs: p.wallMs, load1: p.load1 };
  const result = lastJson(p.stdout);
  if (p.code !== 0 || !result) {
    return { ok: false, error: failure(p, o, result ? '' : ', no JSON line'), code: p.code, ...base };
  }
  const problems = contractProblems(result, expect);
  if (problems.length > 0) {
    return { ok: false, error: `breaks the runner contract: ${problems.join('; ')}`, result, ...base };
  }
  return { ok: true, result, ...base };
}

const median = (a) => {
  const s = a.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((x, y) => x - y);
  if (s.length === 0) return null;
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

function fmt(x, digits) {
  if (x == null) return '-';
  if (digits != null) return x.toFixed(digits);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** Ratios: three significant digits (0.000431, 0.114, 1.33). */
const fmtRatio = (x) => (x == null || !Number.isFinite(x) ? '-' : x.toPrecision(3));

/**
 * The suite's targets from issue 4: ms/epoch ratio rnnlab / torch <= 0.5 and rnnlab / tfjs-wasm <= 1/15 for
 * every model, and the LSTM's batch-1 latency <= 0.1 ms. (Compare and memory have their own modes.)
 */
function suiteTargets(models, medians, ratios) {
  const t = [];
  const add = (target, value, limit) => {
    if (value != null && Number.isFinite(value)) t.push({ target, value, limit, met: value <= limit });
  };
  for (const m of models) add(`${m} ms/epoch rnnlab / torch`, ratios[m]?.torch?.msPerEpoch, 0.5);
  for (const m of models)
    add(`${m} ms/epoch rnnlab / tfjs-wasm`, ratios[m]?.['tfjs-wasm']?.msPerEpoch, 1 / 15);
  add('lstm batch-1 latency, ms', medians.lstm?.rnnlab?.msLatencyB1, 0.1);
  return t;
}

/**
 * Speed round 2's comparison: per model, the fastest rnnlab runner (rnnlab, rnnlab-t2) against the fastest
 * runner of each PyTorch flavour (any thread count), by median ms/epoch; targets: both ratios <= 0.5.
 */
function bestVsBest(available, medians, models) {
  const bestOf = (model, names) => {
    let top = null;
    for (const runner of names) {
      const value = medians[model]?.[runner]?.msPerEpoch;
      if (value != null && (!top || value < top.value)) top = { runner, value };
    }
    return top;
  };
  const rnnlabNames = available.filter((r) => r.name.startsWith('rnnlab')).map((r) => r.name);
  const flavour = (f) => available.filter((r) => r.flavour === f).map((r) => r.name);
  const rows = [];
  const targets = [];
  if (rnnlabNames.length === 0 || !available.some((r) => r.flavour === 'torch2')) return { rows, targets };
  for (const model of models) {
    const row = {
      model,
      rnnlab: bestOf(model, rnnlabNames),
      torch: bestOf(model, flavour('torch')),
      torch2: bestOf(model, flavour('torch2')),
    };
    row.ratioTorch = row.rnnlab && row.torch ? row.rnnlab.value / row.torch.value : null;
    row.ratioTorch2 = row.rnnlab && row.torch2 ? row.rnnlab.value / row.torch2.value : null;
    rows.push(row);
  }
  for (const [key, label] of [
    ['ratioTorch2', 'torch 2.6'],
    ['ratioTorch', 'torch 1.13'],
  ]) {
    for (const r of rows) {
      const value = r[key];
      if (value != null)
        targets.push({
          target: `${r.model} best rnnlab / best ${label}`,
          value,
          limit: 0.5,
          met: value <= 0.5,
        });
    }
  }
  return { rows, targets };
}

function table(header, rows) {
  const w = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 || i === 1 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** Fields every results file starts with. */
function reportHeader(kind, startedAt) {
  return {
    kind,
    date: today(),
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    repo: repoInfo(),
  };
}

/** Prints the runners that were skipped and how many runs failed. */
function summarizeProblems(skipped, runs) {
  for (const s of skipped) out(`skipped ${s.name}: ${s.note}`);
  const failed = runs.filter((x) => !x.ok);
  if (failed.length) out(`${failed.length} run(s) failed; see "runs" in the results file`);
}

function machineInfo() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemGiB: +(freemem() / 2 ** 30).toFixed(1),
    os: `${process.platform} ${release()}`,
    loadavgAtStart: loadavg().map((x) => +x.toFixed(2)),
    node: process.versions.node,
  };
}

/** The commit the rnnlab numbers come from, and whether the working tree had changes (the engine moves fast). */
function repoInfo() {
  const git = (...args) => spawnSync('git', ['-C', REPO, ...args], { encoding: 'utf8', timeout: 10_000 });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return { commit: null, dirty: null };
  const status = git('status', '--porcelain', '--untracked-files=no');
  return { commit: head.stdout.trim(), dirty: status.status === 0 ? status.stdout.trim().length > 0 : null };
}

const today = () => {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

/** Probes the runners, printing which are usable; exits 1 when none is. */
function probeAll(runners) {
  const [load1] = loadavg();
  if (load1 > 0.5) {
    err(
      `note: load average ${load1.toFixed(2)} on ${cpus().length} cores: the machine is not idle, timings will be noisy`,
    );
  }
  const available = [];
  const skipped = [];
  for (const r of runners) {
    const p = r.probe();
    if (p.ok) {
      r.versions = p.versions ?? null;
      available.push(r);
      const v = Object.entries(r.versions ?? {})
        .filter(([, x]) => typeof x === 'string' && x.length <= 40)
        .map(([k, x]) => `${k} ${x}`)
        .join(', ');
      err(`runner ${r.name}: available${v ? ` (${v})` : ''}`);
    } else {
      skipped.push({ name: r.name, note: p.note });
      err(`runner ${r.name}: SKIPPED - ${p.note}`);
    }
  }
  if (available.length === 0) {
    err('no runner available');
    process.exit(1);
  }
  return { available, skipped };
}

/** What identifies a runner's build, for the results file and the printed runners table. */
function runnerInfo(r) {
  const v = r.versions ?? {};
  const runtime =
    v.torch !== undefined
      ? `torch ${v.torch}`
      : v.rnnlab !== undefined
        ? `rnnlab ${v.rnnlab}${v.kernels ? ` (${v.kernels})` : ''}`
        : v.tfjs !== undefined
          ? `tfjs ${v.tfjs} ${v.backend ?? ''}`.trim()
          : v['onnxruntime-node'] !== undefined
            ? `onnxruntime-node ${v['onnxruntime-node']} (${v.executionProvider})`
            : v['onnxruntime-web'] !== undefined
              ? `onnxruntime-web ${v['onnxruntime-web']} (${v.executionProvider})`
              : null;
  return {
    name: r.name,
    command: [r.cmd, ...r.args],
    runtime,
    threads: r.threads ?? v.threads ?? null,
    cpuCapability: v.cpuCapability ?? null,
    blasCore: v.openblasCore ?? null,
    os: v.os ?? null,
    versions: r.versions ?? null,
  };
}

/** Prints the runners table: runtime and version, threads, PyTorch's CPU capability and OpenBLAS kernels, OS. */
function printRunners(available) {
  out('Runners');
  out(
    table(
      ['runner', 'runtime', 'threads', 'cpu capability', 'BLAS core', 'os'],
      available.map((r) => {
        const i = runnerInfo(r);
        return [
          i.name,
          i.runtime ?? '-',
          i.threads ?? '-',
          i.cpuCapability ?? '-',
          i.blasCore ?? '-',
          i.os ?? '-',
        ];
      }),
    ),
  );
  out();
}

/**
 * For each PyTorch flavour run at more than one thread count: per model, the fastest count by `key` (lower is
 * better) — "torch2 is fastest at 2 threads for the LSTM". Returns { flavour: { model: { runner, threads,
 * value, byThreads: { n: value } } } } and prints a table when there is something to compare.
 */
function bestThreads(available, medians, models, key, label) {
  const flavours = {};
  for (const r of available) if (r.flavour) (flavours[r.flavour] ??= []).push(r);
  const best = {};
  const rows = [];
  for (const [flavour, rs] of Object.entries(flavours)) {
    if (rs.length < 2) continue;
    best[flavour] = {};
    for (const model of models) {
      const byThreads = {};
      let top = null;
      for (const r of rs) {
        const value = medians[model]?.[r.name]?.[key];
        if (value == null) continue;
        byThreads[r.threads] = value;
        if (!top || value < top.value) top = { runner: r.name, threads: r.threads, value };
      }
      if (!top) continue;
      best[flavour][model] = { ...top, byThreads };
      rows.push([
        model,
        flavour,
        ...rs.map((r) => (byThreads[r.threads] == null ? '-' : fmt(byThreads[r.threads]))),
        `${top.threads} (${top.runner})`,
      ]);
    }
  }
  if (rows.length > 0) {
    const counts = Object.values(flavours)
      .find((rs) => rs.length >= 2)
      .map((r) => `t${r.threads}`);
    out();
    out(`Best PyTorch thread count by ${label} (lower is better)`);
    out(table(['model', 'flavour', ...counts, 'best threads'], rows));
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// The suite

const METRICS = [
  ['msPerEpoch', 'ms/epoch'],
  ['msInference', 'infer ms (b16)'],
  ['msInferenceAll', 'infer ms (all)'],
  ['msLatencyB1', 'lat b1 ms'],
  ['finalMse', 'final MSE'],
  ['peakRssMb', 'RSS MB'],
];

async function suite(o) {
  const { available, skipped } = probeAll(selectRunners(o));
  const startedAt = new Date().toISOString();
  const runs = [];
  const total = o.reps * o.models.length * available.length;
  let k = 0;
  for (let rep = 1; rep <= o.reps; rep++) {
    for (const model of o.models) {
      for (const r of available) {
        k++;
        const args = ['--model', model, '--epochs', String(r.epochs)];
        process.stderr.write(`[${k}/${total}] rep ${rep} ${r.name} ${model} (${r.epochs} epochs) ... `);
        const res = await runOnce(r, args, o, { mode: 'epochs', model, epochs: r.epochs });
        runs.push({ rep, runner: r.name, model, ...res });
        if (res.ok) {
          const x = res.result;
          err(`${fmt(x.msPerEpoch)} ms/epoch, mse ${fmt(x.finalMse)} (${(res.wallMs / 1000).toFixed(1)} s)`);
        } else {
          err(`FAILED: ${res.error}`);
        }
      }
    }
  }

  // Medians per (model, runner) over the repetitions.
  const medians = {};
  for (const model of o.models) {
    medians[model] = {};
    for (const r of available) {
      const ok = runs.filter((x) => x.ok && x.model === model && x.runner === r.name).map((x) => x.result);
      if (ok.length === 0) continue;
      const m = { n: ok.length, epochs: ok[0].epochs };
      for (const [key] of METRICS) m[key] = median(ok.map((x) => x[key]));
      medians[model][r.name] = m;
    }
  }
  const names = available.map((r) => r.name);
  const hasRnnlab = names.includes('rnnlab');
  const base = hasRnnlab ? 'rnnlab' : (['torch', 'torch2'].find((n) => names.includes(n)) ?? null);
  const peers = names.filter((n) => n !== base);
  const ratios = {};
  if (base) {
    for (const model of o.models) {
      ratios[model] = {};
      for (const p of peers) {
        const a = medians[model][base];
        const b = medians[model][p];
        if (!a || !b) continue;
        ratios[model][p] = Object.fromEntries(
          ['msPerEpoch', 'msInference', 'msLatencyB1', 'peakRssMb'].map((key) => [
            key,
            a[key] != null && b[key] ? a[key] / b[key] : null,
          ]),
        );
      }
    }
  }

  out();
  printRunners(available);
  out(
    `Medians over ${o.reps} repetition(s); ms/epoch = median over epochs 2..E; inference over all 1241 windows`,
  );
  out(
    'in batches of 16 (b16) and as one batch (all); latency = one 16-step window, batch 1, median of >= 200 calls.',
  );
  const rows = [];
  for (const model of o.models) {
    for (const n of names) {
      const m = medians[model][n];
      if (!m) {
        rows.push([model, n, 'failed', ...METRICS.map(() => '-').slice(1), '-', '-']);
        continue;
      }
      rows.push([
        model,
        n,
        ...METRICS.map(([key]) => (key === 'finalMse' ? fmt(m[key], 5) : fmt(m[key]))),
        m.epochs,
        m.n,
      ]);
    }
  }
  out(table(['model', 'runner', ...METRICS.map((x) => x[1]), 'epochs', 'reps'], rows));
  out();
  if (base) {
    const label = hasRnnlab ? 'rnnlab / peer' : `${base} / peer (rnnlab runner not available)`;
    out(`Ratios ${label} of the medians (< 1: ${base} is faster / smaller)`);
    const rrows = [];
    for (const model of o.models) {
      for (const p of peers) {
        const r = ratios[model][p];
        if (!r) continue;
        rrows.push([
          model,
          p,
          fmtRatio(r.msPerEpoch),
          fmtRatio(r.msInference),
          fmtRatio(r.msLatencyB1),
          fmtRatio(r.peakRssMb),
        ]);
      }
    }
    out(table(['model', 'peer', 'ms/epoch', 'infer (b16)', 'lat b1', 'RSS'], rrows));
  }
  const best = bestThreads(available, medians, o.models, 'msPerEpoch', 'ms/epoch');
  const targets = hasRnnlab ? suiteTargets(o.models, medians, ratios) : [];
  if (targets.length > 0) {
    out();
    out('Targets (issue 4)');
    out(
      table(
        ['target', 'measured', 'limit', 'met'],
        targets.map((t) => [t.target, fmtRatio(t.value), fmtRatio(t.limit), t.met ? 'yes' : 'NO']),
      ),
    );
  }
  const round2 = bestVsBest(available, medians, o.models);
  if (round2.rows.length > 0) {
    out();
    out('Speed round 2: the best thread count on each side, ms/epoch (rnnlab: rnnlab / rnnlab-t2)');
    out(
      table(
        ['model', 'best rnnlab', 'best torch 1.13', 'best torch 2.6', 'ratio 1.13', 'ratio 2.6'],
        round2.rows.map((r) => [
          r.model,
          r.rnnlab ? `${fmt(r.rnnlab.value)} (${r.rnnlab.runner})` : '-',
          r.torch ? `${fmt(r.torch.value)} (${r.torch.runner})` : '-',
          r.torch2 ? `${fmt(r.torch2.value)} (${r.torch2.runner})` : '-',
          fmtRatio(r.ratioTorch),
          fmtRatio(r.ratioTorch2),
        ]),
      ),
    );
    out();
    out('Targets (speed round 2)');
    out(
      table(
        ['target', 'measured', 'limit', 'met'],
        round2.targets.map((t) => [t.target, fmtRatio(t.value), fmtRatio(t.limit), t.met ? 'yes' : 'NO']),
      ),
    );
  }
  summarizeProblems(skipped, runs);

  const report = {
    ...reportHeader('suite', startedAt),
    options: {
      quick: o.quick,
      reps: o.reps,
      epochs: o.epochs,
      tfjsEpochs: o.tfjsEpochs,
      models: o.models,
      torchThreads: o.torchThreads,
      torch2Root: o.torch2Root,
      env: ONE_THREAD_ENV,
    },
    runners: available.map((r) => ({ ...runnerInfo(r), epochs: r.epochs })),
    skipped,
    medians,
    ratioBase: base,
    ratios,
    bestThreads: best,
    targets,
    round2,
    runs,
  };
  if (o.write) {
    const stem = `${report.date}${o.quick ? '-quick' : ''}`;
    writeResults(o.outDir, stem, report, suiteSvg(report, names));
  }
}

function writeResults(dir, stem, report, svg) {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${stem}.json`);
  const svgPath = join(dir, `${stem}.svg`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(svgPath, svg);
  out(`wrote ${relative(process.cwd(), json)} and ${relative(process.cwd(), svgPath)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// SVG (hand-written; log-scale axes because the runners differ by orders of magnitude)

const COLORS = {
  rnnlab: '#d62728',
  torch: '#ee8a1b',
  'torch-t2': '#f5b66e',
  torch2: '#8c564b',
  'torch2-t2': '#c49c94',
  'ort-node': '#2ca02c',
  'ort-web': '#98df8a',
  'tfjs-wasm': '#1f77b4',
  'tfjs-cpu': '#7fb2d9',
};
const PALETTE = ['#9467bd', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const colorOf = (name, i) => COLORS[name] ?? PALETTE[i % PALETTE.length];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function logTicks(lo, hi) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function logRange(values) {
  const v = values.filter((x) => x > 0);
  if (v.length === 0) return [0.1, 10];
  return [10 ** Math.floor(Math.log10(Math.min(...v))), 10 ** Math.ceil(Math.log10(Math.max(...v)))];
}

const tickLabel = (v) => (v >= 1000 ? `${v / 1000}k` : String(+v.toPrecision(3)));

/** One grouped bar panel: groups on x, one bar per series, log y. */
function barPanel({ x, y, w, h, title, groups, series, value, label = (g) => g.toUpperCase() }) {
  const [lo, hi] = logRange(groups.flatMap((g) => series.map((s) => value(g, s) ?? 0)));
  const py = (v) => y + h - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * h;
  const parts = [
    `<text x="${x + w / 2}" y="${y - 12}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of logTicks(lo, hi)) {
    parts.push(
      `<line x1="${x}" x2="${x + w}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`,
      `<text x="${x - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${tickLabel(t)}</text>`,
    );
  }
  const gw = w / groups.length;
  const bw = Math.min(28, (gw * 0.8) / Math.max(1, series.length));
  groups.forEach((g, gi) => {
    const x0 = x + gi * gw + (gw - bw * series.length) / 2;
    series.forEach((s, si) => {
      const v = value(g, s);
      if (!(v > 0)) return;
      const top = py(v);
      parts.push(
        `<rect x="${x0 + si * bw}" y="${top}" width="${bw - 2}" height="${y + h - top}" fill="${colorOf(s, si)}"><title>${esc(`${g} ${s}: ${fmt(v)}`)}</title></rect>`,
        `<text x="${x0 + si * bw + bw / 2 - 1}" y="${top - 3}" text-anchor="middle" font-size="9">${fmt(v)}</text>`,
      );
    });
    parts.push(
      `<text x="${x + gi * gw + gw / 2}" y="${y + h + 16}" text-anchor="middle">${esc(label(g))}</text>`,
    );
  });
  parts.push(`<line x1="${x}" x2="${x + w}" y1="${y + h}" y2="${y + h}" stroke="#333"/>`);
  return parts.join('\n');
}

function legend(names, x, y) {
  return names
    .map(
      (n, i) =>
        `<rect x="${x + i * 120}" y="${y - 10}" width="12" height="12" fill="${colorOf(n, i)}"/><text x="${x + i * 120 + 16}" y="${y}">${esc(n)}</text>`,
    )
    .join('\n');
}

function svgDoc(width, height, body) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${body}
</svg>
`;
}

function suiteSvg(report, names) {
  const groups = Object.keys(report.medians);
  const value = (key) => (g, s) => report.medians[g]?.[s]?.[key] ?? null;
  const panelW = 420;
  const body = [
    `<text x="20" y="24" font-size="15" font-weight="bold">rnnlab benchmark ${esc(report.date)} - tutorial workload, one thread each (log scale, lower is better)</text>`,
    `<text x="20" y="42" font-size="11" fill="#555">${esc(`${report.machine.cpu}, ${report.machine.cores} cores; medians of ${report.options.reps} rep(s); ms/epoch = median of epochs 2..E`)}</text>`,
    barPanel({
      x: 70,
      y: 90,
      w: panelW,
      h: 300,
      title: 'ms per training epoch',
      groups,
      series: names,
      value: value('msPerEpoch'),
    }),
    barPanel({
      x: 70 + panelW + 90,
      y: 90,
      w: panelW,
      h: 300,
      title: 'batch-1 latency, 16 steps (ms)',
      groups,
      series: names,
      value: value('msLatencyB1'),
    }),
    legend(names, 70, 440),
  ].join('\n');
  return svgDoc(70 + 2 * panelW + 120, 460, body);
}

/** One log-log line panel: x values, one line per series. */
function linePanel({ x, y, w, h, title, xs, xlabel, series, value }) {
  const [lo, hi] = logRange(xs.flatMap((xv) => series.map((s) => value(xv, s) ?? 0)));
  const lx = (v) => x + ((Math.log2(v) - Math.log2(xs[0])) / (Math.log2(xs.at(-1)) - Math.log2(xs[0]))) * w;
  const py = (v) => y + h - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * h;
  const parts = [
    `<text x="${x + w / 2}" y="${y - 12}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of logTicks(lo, hi)) {
    parts.push(
      `<line x1="${x}" x2="${x + w}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`,
      `<text x="${x - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${tickLabel(t)}</text>`,
    );
  }
  for (const xv of xs) {
    parts.push(`<text x="${lx(xv)}" y="${y + h + 16}" text-anchor="middle" font-size="11">${xv}</text>`);
  }
  parts.push(
    `<text x="${x + w / 2}" y="${y + h + 34}" text-anchor="middle">${esc(xlabel)}</text>`,
    `<line x1="${x}" x2="${x + w}" y1="${y + h}" y2="${y + h}" stroke="#333"/>`,
  );
  series.forEach((s, si) => {
    const pts = xs.map((xv) => [xv, value(xv, s)]).filter(([, v]) => v > 0);
    if (pts.length === 0) return;
    parts.push(
      `<polyline fill="none" stroke="${colorOf(s, si)}" stroke-width="2" points="${pts.map(([xv, v]) => `${lx(xv)},${py(v)}`).join(' ')}"/>`,
      ...pts.map(
        ([xv, v]) =>
          `<circle cx="${lx(xv)}" cy="${py(v)}" r="3" fill="${colorOf(s, si)}"><title>${esc(`${s} ${xlabel} ${xv}: ${fmt(v)} ms`)}</title></circle>`,
      ),
    );
  });
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The scaling study

async function scaling(o) {
  const { available, skipped } = probeAll(selectRunners(o));
  const points = [
    ...SCALING_HIDDEN.map((hidden) => ({ axis: 'hidden', hidden, seq: 16 })),
    ...SCALING_SEQ.map((seq) => ({ axis: 'seq', hidden: 64, seq })),
  ];
  const startedAt = new Date().toISOString();
  const runs = [];
  const total = o.reps * points.length * available.length;
  let k = 0;
  for (let rep = 1; rep <= o.reps; rep++) {
    for (const p of points) {
      for (const r of available) {
        k++;
        const args = ['--model', 'lstm', '--hidden', String(p.hidden), '--seq', String(p.seq)];
        args.push('--steps', String(o.steps));
        process.stderr.write(`[${k}/${total}] rep ${rep} ${r.name} lstm H=${p.hidden} T=${p.seq} ... `);
        const res = await runOnce(r, args, o, {
          mode: 'steps',
          hidden: p.hidden,
          seq: p.seq,
          steps: o.steps,
        });
        runs.push({ rep, runner: r.name, ...p, ...res });
        err(res.ok ? `${fmt(res.result.msPerStep)} ms/step` : `FAILED: ${res.error}`);
      }
    }
  }
  const names = available.map((r) => r.name);
  const key = (p) => `${p.axis}:${p.axis === 'hidden' ? p.hidden : p.seq}`;
  const medians = {};
  for (const p of points) {
    medians[key(p)] = { ...p };
    for (const n of names) {
      const v = runs
        .filter((x) => x.ok && x.runner === n && key(x) === key(p))
        .map((x) => x.result.msPerStep);
      medians[key(p)][n] = median(v);
    }
  }
  const base = names.includes('rnnlab') ? 'rnnlab' : null;
  const peers = names.filter((n) => n !== base);
  out();
  printRunners(available);
  out(
    `ms per training step (forward + backward + Adam), LSTM, 2 layers, batch 16, median of ${o.steps} steps,`,
  );
  out(`then median over ${o.reps} repetition(s)`);
  const header = ['axis', 'value', ...names, ...(base ? peers.map((p) => `rnnlab/${p}`) : [])];
  const rows = points.map((p) => {
    const m = medians[key(p)];
    return [
      p.axis,
      p.axis === 'hidden' ? `H=${p.hidden}` : `T=${p.seq}`,
      ...names.map((n) => fmt(m[n])),
      ...(base ? peers.map((q) => (m[base] && m[q] ? fmtRatio(m[base] / m[q]) : '-')) : []),
    ];
  });
  out(table(header, rows));
  summarizeProblems(skipped, []);
  const report = {
    ...reportHeader('scaling', startedAt),
    options: {
      quick: o.quick,
      reps: o.reps,
      steps: o.steps,
      model: 'lstm',
      layers: 2,
      batch: 16,
      env: ONE_THREAD_ENV,
    },
    runners: available.map(runnerInfo),
    skipped,
    medians,
    runs,
  };
  if (o.write) {
    const val = (axis) => (xv, s) => medians[`${axis}:${xv}`]?.[s] ?? null;
    const body = [
      `<text x="20" y="24" font-size="15" font-weight="bold">Scaling ${esc(report.date)}: ms per training step, LSTM 2 layers, batch 16, one thread (log-log)</text>`,
      linePanel({
        x: 70,
        y: 80,
        w: 400,
        h: 280,
        title: 'hidden size (T = 16)',
        xs: SCALING_HIDDEN,
        xlabel: 'hidden',
        series: names,
        value: val('hidden'),
      }),
      linePanel({
        x: 560,
        y: 80,
        w: 400,
        h: 280,
        title: 'sequence length (H = 64)',
        xs: SCALING_SEQ,
        xlabel: 'seq',
        series: names,
        value: val('seq'),
      }),
      legend(names, 70, 440),
    ].join('\n');
    writeResults(
      o.outDir,
      `${report.date}-scaling${o.quick ? '-quick' : ''}`,
      report,
      svgDoc(1000, 460, body),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The four-model compare, end to end

/** Wall time and test MAE per model from `rnnlab compare` output (its table; best effort, null when absent). */
function parseCompareOutput(text) {
  const wall = /wall time ([\d.]+) s/.exec(text);
  const mae = {};
  for (const [kind, label] of Object.entries(COMPARE_LABELS)) {
    // A table row: │ 4 │ Bidirectional RNN │ 370.42 │ ...
    // (thousands separated: 1,234.56; a marker may follow the label).
    const row = new RegExp(`│\\s*\\d+\\s*│\\s*${label}[^│]*│\\s*([\\d.,]+)\\s*│`).exec(text);
    if (row) mae[kind] = Number(row[1].replace(/,/g, ''));
  }
  return { selfSeconds: wall ? Number(wall[1]) : null, testMae: mae };
}

/**
 * The compare targets: >= 3x faster than PyTorch 1.13 sequential (issue 4), >= 4x faster than PyTorch 2.6
 * sequential (speed round 2); each only when that runner ran.
 */
function compareTargets(ratios) {
  const goals = [
    { runner: 'torch', limit: 1 / 3, issue: 'issue 4', text: '>= 3x faster than PyTorch 1.13 sequential' },
    {
      runner: 'torch2',
      limit: 1 / 4,
      issue: 'speed round 2',
      text: '>= 4x faster than PyTorch 2.6 sequential',
    },
  ];
  return goals
    .filter((g) => ratios[g.runner])
    .map((g) => {
      const value = ratios[g.runner].wallSeconds;
      return { ...g, value, met: value <= g.limit };
    });
}

async function compare(o) {
  const { available, skipped } = probeAll(selectRunners(o));
  const startedAt = new Date().toISOString();
  const runs = [];
  const total = o.reps * available.length;
  let k = 0;
  for (let rep = 1; rep <= o.reps; rep++) {
    for (const r of available) {
      k++;
      process.stderr.write(`[${k}/${total}] rep ${rep} ${r.name} compare, ${o.epochs} epochs ... `);
      const p = await runProcess(r.cmd, r.args, o, r.env);
      const run = { rep, runner: r.name, wallMs: p.wallMs, load1: p.load1 };
      const json = lastJson(p.stdout);
      if (p.code !== 0) {
        Object.assign(run, { ok: false, error: failure(p, o) });
      } else if (r.output === 'json' || (r.output !== 'cli' && json)) {
        const bad = !json || !Array.isArray(json.models) || json.models.length === 0;
        Object.assign(
          run,
          bad
            ? { ok: false, error: 'no JSON line with models[]' }
            : {
                ok: true,
                selfSeconds: json.workSeconds,
                testMae: Object.fromEntries(json.models.map((m) => [m.model, m.testMae])),
                trainSeconds: Object.fromEntries(json.models.map((m) => [m.model, m.trainSeconds])),
                result: json,
              },
        );
      } else {
        const parsed = parseCompareOutput(p.stdout);
        const missing = Object.keys(COMPARE_LABELS).filter((m) => parsed.testMae[m] === undefined);
        Object.assign(run, { ok: true, ...parsed });
        if (missing.length) run.note = `no test MAE row for ${missing.join(', ')} in its output`;
      }
      runs.push(run);
      err(run.ok ? `${(p.wallMs / 1000).toFixed(2)} s` : `FAILED: ${run.error}`);
    }
  }

  const names = available.map((r) => r.name);
  const medians = {};
  for (const n of names) {
    const ok = runs.filter((x) => x.ok && x.runner === n);
    if (ok.length === 0) continue;
    medians[n] = {
      n: ok.length,
      wallSeconds: median(ok.map((x) => x.wallMs / 1000)),
      selfSeconds: median(ok.map((x) => x.selfSeconds)),
      testMae: Object.fromEntries(
        Object.keys(COMPARE_LABELS).map((m) => [m, median(ok.map((x) => x.testMae?.[m]))]),
      ),
    };
  }
  const base = medians.rnnlab ? 'rnnlab' : null;
  const ratios = {};
  if (base) {
    for (const n of names.filter((x) => x !== base && medians[x])) {
      ratios[n] = {
        wallSeconds: medians[base].wallSeconds / medians[n].wallSeconds,
        selfSeconds:
          medians[base].selfSeconds && medians[n].selfSeconds
            ? medians[base].selfSeconds / medians[n].selfSeconds
            : null,
      };
    }
  }

  out();
  printRunners(available);
  out(
    `Four-model compare, ${o.epochs} epochs, ${COMPARE_SEEDS} seeds per model (compare's default; torch_compare.py ` +
      `--seeds ${COMPARE_SEEDS}), medians over ${o.reps} repetition(s).`,
  );
  out('wall s = the whole process (start-up, imports, data, training, forecasts); in-process s = rnnlab:');
  out(
    "its own 'wall time' line (after module loading); torch: data + training + forecasts (after import torch).",
  );
  const rows = names.map((n) => {
    const m = medians[n];
    if (!m) return [n, 'failed', '-', '-', '-', '-', '-', '-'];
    return [
      n,
      fmt(m.wallSeconds, 2),
      fmt(m.selfSeconds, 2),
      ...Object.keys(COMPARE_LABELS).map((x) => fmt(m.testMae[x], 1)),
      m.n,
    ];
  });
  out(
    table(['runner', 'wall s', 'in-process s', 'MAE drnn', 'MAE brnn', 'MAE lstm', 'MAE gru', 'reps'], rows),
  );
  out('(MAE: test-period one-step MAE in price units, to show both trained the same workload; the random');
  out(' initialisations differ, so they agree in size, not digits)');
  if (base) {
    out();
    for (const [n, r] of Object.entries(ratios)) {
      out(
        `rnnlab / ${n}: wall ${fmtRatio(r.wallSeconds)} (${fmt(1 / r.wallSeconds, 2)}x faster)` +
          (r.selfSeconds ? `, in-process ${fmtRatio(r.selfSeconds)} (${fmt(1 / r.selfSeconds, 2)}x)` : ''),
      );
    }
    for (const t of compareTargets(ratios)) {
      out(
        `target (${t.issue}): ${t.text} (wall ratio <= ${fmtRatio(t.limit)}): ${t.met ? 'met' : 'NOT met'}`,
      );
    }
  }
  summarizeProblems(skipped, runs);
  const report = {
    ...reportHeader('compare', startedAt),
    options: { quick: o.quick, reps: o.reps, epochs: o.epochs, env: ONE_THREAD_ENV },
    runners: available.map(runnerInfo),
    skipped,
    medians,
    ratioBase: base,
    ratios,
    targets: compareTargets(ratios).map((t) => ({
      target: `compare wall s rnnlab / ${t.runner}`,
      value: t.value,
      limit: t.limit,
      met: t.met,
    })),
    runs,
  };
  if (o.write) {
    const keys = { 'wall s': 'wallSeconds', 'in-process s': 'selfSeconds' };
    const value = (g, s) => medians[s]?.[keys[g]] ?? null;
    const body = [
      `<text x="20" y="24" font-size="15" font-weight="bold">Four-model compare ${esc(report.date)}: ${o.epochs} epochs per model (log scale, lower is better)</text>`,
      `<text x="20" y="42" font-size="11" fill="#555">${esc(`${report.machine.cpu}, ${report.machine.cores} cores; medians of ${o.reps} rep(s)`)}</text>`,
      `<text x="20" y="58" font-size="11" fill="#555">rnnlab: worker threads; rnnlab-seq: --workers 0; torch: the four in sequence, one thread</text>`,
      barPanel({
        x: 70,
        y: 100,
        w: 520,
        h: 260,
        title: 'seconds',
        groups: Object.keys(keys),
        series: names,
        value,
        label: (g) => g,
      }),
      legend(names, 70, 410),
    ].join('\n');
    writeResults(
      o.outDir,
      `${report.date}-compare${o.quick ? '-quick' : ''}`,
      report,
      svgDoc(640, 430, body),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Memory growth

async function memory(o) {
  const { available, skipped } = probeAll(selectRunners(o));
  const [from, to] = o.rssEpochs;
  const startedAt = new Date().toISOString();
  const runs = [];
  const total = o.reps * o.models.length * available.length;
  let k = 0;
  for (let rep = 1; rep <= o.reps; rep++) {
    for (const model of o.models) {
      for (const r of available) {
        k++;
        const args = ['--model', model, '--epochs', String(to), '--rss-epochs', `${from},${to}`];
        process.stderr.write(`[${k}/${total}] rep ${rep} ${r.name} ${model} (${to} epochs) ... `);
        const res = await runOnce(r, args, o, { mode: 'epochs', model, epochs: to });
        if (res.ok && typeof res.result.rssGrowthPct !== 'number') {
          Object.assign(res, {
            ok: false,
            error: 'no rssGrowthPct in its result (no --rss-epochs support?)',
          });
        }
        runs.push({ rep, runner: r.name, model, ...res });
        err(
          res.ok
            ? `RSS ${res.result.rssMbAt.map((x) => fmt(x)).join(' -> ')} MiB (${fmt(res.result.rssGrowthPct, 1)}%)`
            : `FAILED: ${res.error}`,
        );
      }
    }
  }
  const names = available.map((r) => r.name);
  const medians = {};
  for (const model of o.models) {
    medians[model] = {};
    for (const n of names) {
      const ok = runs.filter((x) => x.ok && x.model === model && x.runner === n).map((x) => x.result);
      if (ok.length === 0) continue;
      const at = (i) => median(ok.map((x) => x.rssMbAt[i]));
      const wasm = (i) => median(ok.map((x) => x.memoryAt?.[i]?.wasmMemoryMb));
      medians[model][n] = {
        n: ok.length,
        rssFromMb: at(0),
        rssToMb: at(ok[0].rssMbAt.length - 1),
        growthPct: median(ok.map((x) => x.rssGrowthPct)),
        forcedGc: ok.every((x) => x.rssForcedGc === true),
        wasmFromMb: wasm(0),
        wasmToMb: wasm(ok[0].rssMbAt.length - 1),
        msPerEpoch: median(ok.map((x) => x.msPerEpoch)),
      };
    }
  }
  out();
  printRunners(available);
  out(
    `RSS after epoch ${from} and after epoch ${to} (forced GC before each sample where marked), median over`,
  );
  out(`${o.reps} repetition(s); target (issue 4): growth within ${MEMORY_LIMIT_PCT}%.`);
  const rows = [];
  for (const model of o.models) {
    for (const n of names) {
      const m = medians[model][n];
      if (!m) {
        rows.push([model, n, 'failed', '-', '-', '-', '-', '-', '-']);
        continue;
      }
      rows.push([
        model,
        n,
        fmt(m.rssFromMb, 1),
        fmt(m.rssToMb, 1),
        `${m.growthPct >= 0 ? '+' : ''}${fmt(m.growthPct, 2)}%`,
        Math.abs(m.growthPct) <= MEMORY_LIMIT_PCT ? 'yes' : 'NO',
        m.forcedGc ? 'yes' : 'no',
        m.wasmFromMb == null ? '-' : `${fmt(m.wasmFromMb, 1)} -> ${fmt(m.wasmToMb, 1)}`,
        fmt(m.msPerEpoch),
      ]);
    }
  }
  out(
    table(
      [
        'model',
        'runner',
        `RSS@${from} MiB`,
        `RSS@${to} MiB`,
        'growth',
        `<= ${MEMORY_LIMIT_PCT}%`,
        'forced GC',
        'wasm MiB',
        'ms/epoch',
      ],
      rows,
    ),
  );
  summarizeProblems(skipped, runs);
  const report = {
    ...reportHeader('memory', startedAt),
    options: {
      quick: o.quick,
      reps: o.reps,
      rssEpochs: o.rssEpochs,
      limitPct: MEMORY_LIMIT_PCT,
      models: o.models,
      env: ONE_THREAD_ENV,
    },
    runners: available.map(runnerInfo),
    skipped,
    medians,
    targets: o.models
      .filter((m) => medians[m].rnnlab)
      .map((m) => {
        const value = Math.abs(medians[m].rnnlab.growthPct);
        return {
          target: `${m} |RSS growth| % rnnlab`,
          value,
          limit: MEMORY_LIMIT_PCT,
          met: value <= MEMORY_LIMIT_PCT,
        };
      }),
    runs,
  };
  if (o.write) {
    mkdirSync(o.outDir, { recursive: true });
    const json = join(o.outDir, `${report.date}-memory${o.quick ? '-quick' : ''}.json`);
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    out(`wrote ${relative(process.cwd(), json)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Inference: the same trained weights in rnnlab, PyTorch and ONNX Runtime

/** A float32 file as a Float32Array. */
function readF32(path) {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN propagates as NaN
  }
  return m;
}

const fmtDiff = (x) => (x == null ? '-' : x === 0 ? '0' : x.toExponential(1));

async function inference(o) {
  const { available, skipped } = probeAll(selectRunners(o));
  const exporter =
    available.find((r) => r.flavour === 'torch') ?? available.find((r) => r.flavour === 'torch2');
  if (!exporter) {
    err('--inference needs PyTorch (the torch or torch2 runner) to train and export the models');
    process.exit(1);
  }
  const startedAt = new Date().toISOString();
  // The exchange folder must be visible to the chroot'ed torch2 too: inside its root when torch2 runs.
  const inRoot = available.some((r) => r.flavour === 'torch2');
  const base = inRoot ? join(o.torch2Root, 'tmp') : tmpdir();
  const dir = mkdtempSync(join(base, 'rnnlab-infer-'));
  mkdirSync(join(dir, 'out'));
  try {
    process.stderr.write(
      `export: ${exporter.name} trains ${o.models.join(', ')} for ${o.epochs} epoch(s), writes safetensors + ONNX ... `,
    );
    const ex = await runProcess(
      exporter.cmd,
      [
        ...exporter.args,
        '--export',
        exporter.mapPath(dir),
        '--models',
        o.models.join(','),
        '--train-epochs',
        String(o.epochs),
        '--json',
      ],
      o,
      exporter.env,
    );
    if (ex.code !== 0 || !existsSync(join(dir, 'manifest.json'))) {
      err(`FAILED: ${failure(ex, o)}`);
      process.exit(1);
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    err(`${(ex.wallMs / 1000).toFixed(1)} s`);
    const N = manifest.windows;
    const refs = Object.fromEntries(
      o.models.map((m) => [m, readF32(join(dir, manifest.models[m].reference))]),
    );

    const runs = [];
    const total = o.reps * o.models.length * available.length;
    let k = 0;
    for (let rep = 1; rep <= o.reps; rep++) {
      for (const model of o.models) {
        for (const r of available) {
          k++;
          process.stderr.write(`[${k}/${total}] rep ${rep} ${r.name} ${model} inference ... `);
          const outFile = join(dir, 'out', `${r.name}-${model}-${rep}.bin`);
          const args = [
            ...r.args,
            '--dir',
            r.mapPath(dir),
            '--model',
            model,
            '--out',
            r.mapPath(outFile),
            '--reps',
            String(o.passes),
            '--json',
          ];
          const p = await runProcess(r.cmd, args, o, r.env);
          const result = lastJson(p.stdout);
          const run = { rep, runner: r.name, model, wallMs: p.wallMs, load1: p.load1 };
          if (p.code !== 0 || !result) {
            Object.assign(run, { ok: false, error: failure(p, o, result ? '' : ', no JSON line') });
          } else {
            const problems = inferenceProblems(result, { model, windows: N, seq: manifest.seq });
            if (problems.length > 0) {
              Object.assign(run, { ok: false, error: `breaks the contract: ${problems.join('; ')}`, result });
            } else if (!existsSync(outFile)) {
              Object.assign(run, { ok: false, error: `wrote no output (${outFile})`, result });
            } else {
              const output = readF32(outFile);
              Object.assign(run, { ok: true, result, maxAbsDiff: maxAbsDiff(output, refs[model]) });
              run.output = output; // dropped before writing the results file
            }
          }
          runs.push(run);
          err(
            run.ok
              ? `b1 ${fmt(run.result.msB1Median)} ms, b16 ${fmt(run.result.msB16)} ms, all ${fmt(run.result.msAll)} ms, ` +
                  `|diff| ${fmtDiff(run.maxAbsDiff)}`
              : `FAILED: ${run.error}`,
          );
        }
      }
    }

    // Medians, GFLOP/s (matrix-product FLOPs of the forward pass, see torch_infer.py) and agreement.
    const names = available.map((r) => r.name);
    const medians = {};
    const agreement = {};
    for (const model of o.models) {
      medians[model] = {};
      const flops = manifest.models[model].flopsPerWindow;
      for (const n of names) {
        const ok = runs.filter((x) => x.ok && x.model === model && x.runner === n);
        if (ok.length === 0) continue;
        const m = {
          n: ok.length,
          threads: ok[0].result.threads ?? null,
          msB1Median: median(ok.map((x) => x.result.msB1Median)),
          msB1Mean: median(ok.map((x) => x.result.msB1Mean)),
          msB16: median(ok.map((x) => x.result.msB16)),
          msAll: median(ok.map((x) => x.result.msAll)),
          maxAbsDiff: Math.max(...ok.map((x) => x.maxAbsDiff)),
          selfMaxDiff: Math.max(...ok.map((x) => x.result.selfMaxDiff)),
          peakRssMb: median(ok.map((x) => x.result.peakRssMb)),
        };
        m.gflopsB1 = flops / (m.msB1Median * 1e6);
        m.gflopsB16 = (flops * N) / (m.msB16 * 1e6);
        m.gflopsAll = (flops * N) / (m.msAll * 1e6);
        medians[model][n] = m;
      }
      // Largest difference between any two runtimes' one-batch outputs (first repetition of each).
      const outs = names
        .map((n) => [n, runs.find((x) => x.ok && x.model === model && x.runner === n)?.output])
        .filter(([, v]) => v);
      let worst = { value: 0, pair: null };
      for (let i = 0; i < outs.length; i++) {
        for (let j = i + 1; j < outs.length; j++) {
          const d = maxAbsDiff(outs[i][1], outs[j][1]);
          if (!(d <= worst.value)) worst = { value: d, pair: [outs[i][0], outs[j][0]] };
        }
      }
      agreement[model] = { maxAbsDiff: worst.value, pair: worst.pair, runtimes: outs.map(([n]) => n) };
    }
    for (const run of runs) delete run.output;

    out();
    printRunners(available);
    out(
      `Inference of the same weights (${exporter.name} trained each model ${o.epochs} epoch(s), exported it as`,
    );
    out(
      `safetensors for rnnlab and torch, ONNX opset ${manifest.opset} for ONNX Runtime), ${N} windows of ${manifest.seq} steps,`,
    );
    out(
      `host array in, host array out, one thread each unless -tN; medians over ${o.reps} process(es), ${o.passes} passes each.`,
    );
    out(
      'b1 = one window per call (ms per window, median of all windows); b16 = all windows in batches of 16 (ms);',
    );
    out(
      'all = all windows as one batch (ms); GFLOP/s = forward matrix-product FLOPs / time; |diff| = max abs',
    );
    out(`difference of the one-batch output from ${exporter.name}'s (the exporter's reference).`);
    const rows = [];
    for (const model of o.models) {
      for (const n of names) {
        const m = medians[model][n];
        if (!m) {
          rows.push([model, n, 'failed', '-', '-', '-', '-', '-', '-', '-']);
          continue;
        }
        rows.push([
          model,
          n,
          fmt(m.msB1Median),
          fmt(m.msB16),
          fmt(m.msAll),
          fmt(m.gflopsB1, 2),
          fmt(m.gflopsB16, 2),
          fmt(m.gflopsAll, 2),
          fmtDiff(m.maxAbsDiff),
          m.n,
        ]);
      }
    }
    out(
      table(
        ['model', 'runner', 'b1 ms', 'b16 ms', 'all ms', 'GF/s b1', 'GF/s b16', 'GF/s all', '|diff|', 'reps'],
        rows,
      ),
    );
    out();
    out('Agreement: max |a - b| over every pair of runtimes (one-batch outputs)');
    out(
      table(
        ['model', 'max |diff|', 'between', 'runtimes'],
        o.models.map((m) => [
          m,
          fmtDiff(agreement[m].maxAbsDiff),
          agreement[m].pair ? agreement[m].pair.join(' / ') : '-',
          agreement[m].runtimes.length,
        ]),
      ),
    );
    const ratios = {};
    if (names.includes('rnnlab')) {
      const rrows = [];
      for (const model of o.models) {
        const a = medians[model].rnnlab;
        ratios[model] = {};
        for (const n of names.filter((x) => x !== 'rnnlab')) {
          const b = medians[model][n];
          if (!a || !b) continue;
          ratios[model][n] = {
            msB1Median: a.msB1Median / b.msB1Median,
            msB16: a.msB16 / b.msB16,
            msAll: a.msAll / b.msAll,
          };
          const r = ratios[model][n];
          rrows.push([model, n, fmtRatio(r.msB1Median), fmtRatio(r.msB16), fmtRatio(r.msAll)]);
        }
      }
      out();
      out('Ratios rnnlab / peer of the medians (< 1: rnnlab is faster)');
      out(table(['model', 'peer', 'b1', 'b16', 'all'], rrows));
    }
    const best = {
      msB1Median: bestThreads(available, medians, o.models, 'msB1Median', 'b1 ms'),
      msB16: bestThreads(available, medians, o.models, 'msB16', 'b16 ms'),
      msAll: bestThreads(available, medians, o.models, 'msAll', 'all ms'),
    };
    summarizeProblems(skipped, runs);
    const report = {
      ...reportHeader('inference', startedAt),
      options: {
        quick: o.quick,
        reps: o.reps,
        passes: o.passes,
        trainEpochs: o.epochs,
        models: o.models,
        torchThreads: o.torchThreads,
        torch2Root: o.torch2Root,
        env: ONE_THREAD_ENV,
      },
      exporter: { runner: exporter.name, ...manifest.exporter, opset: manifest.opset },
      workload: {
        windows: N,
        seq: manifest.seq,
        hidden: manifest.hidden,
        layers: manifest.layers,
        models: manifest.models,
      },
      runners: available.map(runnerInfo),
      skipped,
      medians,
      agreement,
      ratioBase: names.includes('rnnlab') ? 'rnnlab' : null,
      ratios,
      bestThreads: best,
      runs,
    };
    if (o.write) {
      mkdirSync(o.outDir, { recursive: true });
      const json = join(o.outDir, `${report.date}-inference${o.quick ? '-quick' : ''}.json`);
      writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
      out(`wrote ${relative(process.cwd(), json)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MODES = { suite, scaling, compare, memory, inference };
const opts = parseCli();
await MODES[opts.mode](opts);
