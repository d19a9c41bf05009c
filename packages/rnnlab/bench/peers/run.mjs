#!/usr/bin/env node
// Benchmark harness for rnnlab against its peers (issue 4).
//
// Runs every available runner (rnnlab, PyTorch, TF.js wasm, TF.js cpu) on the tutorial workload, one process at a
// time, interleaved (rep 1: runner A model 1, runner B model 1, ..., rep 2: ...), prints a table of medians with
// the ratio rnnlab / peer, and writes bench/results/<date>.json plus an SVG chart. --scaling runs the scaling
// study (ms per training step, LSTM, as hidden size and sequence length grow); --compare times the four-model
// `rnnlab compare` end to end against PyTorch training the four sequentially; --memory checks RSS growth over
// long training. Every runner's JSON line is checked against the contract (contract.mjs). See README.md.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { contractProblems } from './contract.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const MODELS = ['drnn', 'brnn', 'lstm', 'gru'];
const SCALING_HIDDEN = [32, 64, 128, 256, 512];
const SCALING_SEQ = [16, 32, 64, 128, 256];
const COMPARE_LABELS = { drnn: 'Deep RNN', brnn: 'Bidirectional RNN', lstm: 'LSTM', gru: 'GRU' };
const MEMORY_LIMIT_PCT = 5; // issue 4: RSS after 200 epochs within 5% of RSS after 10
const ONE_THREAD_ENV = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const EXIT_UNAVAILABLE = 3;
const out = (s = '') => process.stdout.write(`${s}\n`);
const err = (s = '') => process.stderr.write(`${s}\n`);

const HELP = `usage: node bench/peers/run.mjs [options]

modes (default: the suite)
  --scaling             scaling study: ms per training step, LSTM, B=16, hidden ${SCALING_HIDDEN.join(',')} (T=16)
                        and seq ${SCALING_SEQ.join(',')} (H=64); runners rnnlab,torch unless --runners
  --compare             four-model compare end to end: 'rnnlab compare --no-report --quiet --epochs E' (worker
                        threads, both cores), the same with --workers 0 (rnnlab-seq, one thread), against
                        PyTorch training the four models sequentially (torch_compare.py, one thread); wall time
                        of each process; --epochs default 20 (compare's default)
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
  --runners a,b         subset of rnnlab,torch,tfjs-wasm,tfjs-cpu (default: all that are available;
                        scaling: rnnlab,torch; compare: rnnlab,rnnlab-seq,torch; memory: rnnlab)
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
        'rss-epochs': { type: 'string' },
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
  const modes = ['scaling', 'compare', 'memory'].filter((m) => v[m]);
  if (modes.length > 1) {
    err(`choose one mode: ${modes.map((m) => `--${m}`).join(' or ')}`);
    process.exit(2);
  }
  const mode = modes[0] ?? 'suite';
  const reps = int('reps', v.reps ?? (v.quick || mode === 'memory' ? 1 : 3), 1);
  if (!v.quick && reps < 3 && mode !== 'memory') {
    err(`note: ${reps} repetition(s); the suite's published numbers use at least 3`);
  }
  const epochs = int('epochs', v.epochs ?? (v.quick ? 2 : mode === 'compare' ? 20 : 10), 1);
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

/** The known runners. `probe` returns { ok, note, versions }. */
function defaultRunners(o) {
  const node = process.execPath;
  const checkProbe = (cmd, args, hint) => () => {
    const r = spawnSync(cmd, [...args, '--check'], {
      encoding: 'utf8',
      env: { ...process.env, ...ONE_THREAD_ENV },
      timeout: 180_000,
    });
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
  const rnnlabScript = join(REPO, 'dist', 'bench', 'rnnlab_runner.js');
  return [
    {
      name: 'rnnlab',
      cmd: node,
      // Memory mode: --expose-gc so that the runner can force a collection before sampling RSS.
      args: o.mode === 'memory' ? ['--expose-gc', rnnlabScript] : [rnnlabScript],
      epochs: o.epochs,
      steps: true,
      probe: () =>
        existsSync(rnnlabScript)
          ? checkProbe(node, [rnnlabScript], '(build the repo: npm run build at its root)')()
          : {
              ok: false,
              note: `${relative(REPO, rnnlabScript)} not found (build the repo: npm run build at its root)`,
            },
    },
    {
      name: 'torch',
      cmd: pythonForTorch(),
      args: [join(HERE, 'torch_runner.py')],
      epochs: o.epochs,
      steps: true,
      probe: checkProbe(
        pythonForTorch(),
        [join(HERE, 'torch_runner.py')],
        "PyTorch not found: install Debian's python3-torch (apt-get install -y python3-torch)",
      ),
    },
    ...['wasm', 'cpu'].map((backend) => ({
      name: `tfjs-${backend}`,
      cmd: node,
      args: [join(HERE, 'tfjs_runner.mjs'), '--backend', backend],
      epochs: o.tfjsEpochs,
      steps: true,
      probe: checkProbe(
        node,
        [join(HERE, 'tfjs_runner.mjs'), '--backend', backend],
        `(run npm install in ${relative(REPO, HERE) || '.'})`,
      ),
    })),
  ];
}

/** Compare mode's runners: the rnnlab CLI (workers, and --workers 0) and torch_compare.py. */
function compareRunners(o) {
  const node = process.execPath;
  const cli = join(REPO, '..', 'workbench', 'dist', 'src', 'cli', 'main.js');
  const cliArgs = [cli, 'compare', '--no-report', '--quiet', '--no-color', '--epochs', String(o.epochs)];
  const cliProbe = () =>
    existsSync(cli)
      ? { ok: true, note: '' }
      : { ok: false, note: `${relative(REPO, cli)} not found (build the repo: npm run build at its root)` };
  const py = pythonForTorch();
  const script = join(HERE, 'torch_compare.py');
  const torchProbe = defaultRunners(o).find((r) => r.name === 'torch').probe;
  return [
    { name: 'rnnlab', cmd: node, args: cliArgs, output: 'cli', probe: cliProbe },
    { name: 'rnnlab-seq', cmd: node, args: [...cliArgs, '--workers', '0'], output: 'cli', probe: cliProbe },
    {
      name: 'torch',
      cmd: py,
      args: [script, '--epochs', String(o.epochs), '--json'],
      output: 'json',
      probe: torchProbe,
    },
  ];
}

function selectRunners(o) {
  const runners = o.mode === 'compare' ? compareRunners(o) : defaultRunners(o);
  for (const spec of o.extraRunners) {
    const eq = spec.indexOf('=');
    if (eq < 1) {
      err(`--runner expects name=command, got ${spec}`);
      process.exit(2);
    }
    const name = spec.slice(0, eq);
    const [cmd, ...args] = splitCommand(spec.slice(eq + 1));
    const r = { name, cmd, args, epochs: o.epochs, steps: true, probe: () => ({ ok: true, note: 'custom' }) };
    const at = runners.findIndex((x) => x.name === name);
    if (at >= 0) runners[at] = r;
    else runners.push(r);
  }
  const defaults = {
    scaling: ['rnnlab', 'torch'],
    memory: ['rnnlab'],
  };
  const wanted = o.runners ?? defaults[o.mode] ?? runners.map((r) => r.name);
  for (const w of wanted) if (!runners.some((r) => r.name === w)) err(`note: unknown runner ${w} ignored`);
  // rnnlab first, so every repetition starts with it; then the peers in a fixed order.
  return runners.filter((r) => wanted.includes(r.name));
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
function runProcess(cmd, args, o) {
  return new Promise((resolveRun) => {
    const load1 = loadavg()[0];
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      env: { ...process.env, ...ONE_THREAD_ENV },
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
  const p = await runProcess(runner.cmd, [...runner.args, ...extraArgs, '--json'], o);
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
  const base = hasRnnlab ? 'rnnlab' : names.includes('torch') ? 'torch' : null;
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
    const label = hasRnnlab ? 'rnnlab / peer' : 'torch / peer (rnnlab runner not available)';
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
  summarizeProblems(skipped, runs);

  const report = {
    ...reportHeader('suite', startedAt),
    options: {
      quick: o.quick,
      reps: o.reps,
      epochs: o.epochs,
      tfjsEpochs: o.tfjsEpochs,
      models: o.models,
      env: ONE_THREAD_ENV,
    },
    runners: available.map((r) => ({
      name: r.name,
      command: [r.cmd, ...r.args],
      epochs: r.epochs,
      versions: r.versions,
    })),
    skipped,
    medians,
    ratioBase: base,
    ratios,
    targets,
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
  'tfjs-wasm': '#1f77b4',
  'tfjs-cpu': '#7fb2d9',
};
const PALETTE = ['#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
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
    runners: available.map((r) => ({ name: r.name, command: [r.cmd, ...r.args], versions: r.versions })),
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
      const p = await runProcess(r.cmd, r.args, o);
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
  out(`Four-model compare, ${o.epochs} epochs each, medians over ${o.reps} repetition(s).`);
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
    if (ratios.torch) {
      const met = ratios.torch.wallSeconds <= 1 / 3;
      out(
        `target (issue 4): >= 3x faster than PyTorch sequential (wall ratio <= 0.333): ${met ? 'met' : 'NOT met'}`,
      );
    }
  }
  summarizeProblems(skipped, runs);
  const report = {
    ...reportHeader('compare', startedAt),
    options: { quick: o.quick, reps: o.reps, epochs: o.epochs, env: ONE_THREAD_ENV },
    runners: available.map((r) => ({ name: r.name, command: [r.cmd, ...r.args], versions: r.versions })),
    skipped,
    medians,
    ratioBase: base,
    ratios,
    targets: ratios.torch
      ? [
          {
            target: 'compare wall s rnnlab / torch',
            value: ratios.torch.wallSeconds,
            limit: 1 / 3,
            met: ratios.torch.wallSeconds <= 1 / 3,
          },
        ]
      : [],
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
    runners: available.map((r) => ({ name: r.name, command: [r.cmd, ...r.args], versions: r.versions })),
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

const MODES = { suite, scaling, compare, memory };
const opts = parseCli();
await MODES[opts.mode](opts);
