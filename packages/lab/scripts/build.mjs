#!/usr/bin/env node
// Builds the lab into packages/lab/dist/app: index.html, lab.css, dji.csv (the shipped series), and the page and
// worker bundles made by esbuild from src/main.ts and src/worker.ts (the engine, its kernels and Chart.js inside).
// The folder is static: any file server can serve it, and the page requests nothing from anywhere else.
//
//   node scripts/build.mjs            build once
//   node scripts/build.mjs --serve    build, serve on http://127.0.0.1:<port>/ and rebuild on change
//                                     (--port N or PORT; default 8321; 0 picks a free port)
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const LAB = resolve(HERE, '..');
const OUT = join(LAB, 'dist', 'app');
const DJI = resolve(LAB, '..', 'rnnlab', 'data', 'dji.csv');

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    port: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: node scripts/build.mjs [--serve [--port N]]\n' +
      '  builds the lab into packages/lab/dist/app; --serve also serves it on 127.0.0.1 and rebuilds on change\n',
  );
  process.exit(0);
}

/** esbuild options for the page and the worker: browser ES modules (the engine uses top-level await). */
function options(outdir) {
  return {
    entryPoints: { main: join(LAB, 'src', 'main.ts'), worker: join(LAB, 'src', 'worker.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    outdir,
    logLevel: 'warning',
  };
}

async function copyStatic(outdir) {
  await mkdir(outdir, { recursive: true });
  for (const f of ['index.html', 'lab.css']) await copyFile(join(LAB, 'static', f), join(outdir, f));
  await copyFile(DJI, join(outdir, 'dji.csv'));
}

if (!values.serve) {
  // Build into a sibling folder, then swap it in, so a failed build never leaves a half-written app.
  const tmp = `${OUT}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await copyStatic(tmp);
  const r = await esbuild.build(options(tmp));
  if (r.errors.length > 0) process.exit(1);
  await rm(OUT, { recursive: true, force: true });
  await rename(tmp, OUT);
  process.stdout.write(`lab built: ${OUT}\n`);
} else {
  const port = Number(values.port ?? process.env.PORT ?? 8321);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(
      `--port must be an integer from 0 to 65535, got '${values.port ?? process.env.PORT}'\n`,
    );
    process.exit(2);
  }
  await copyStatic(OUT);
  const ctx = await esbuild.context(options(OUT));
  await ctx.watch();
  let served;
  try {
    served = await ctx.serve({ host: '127.0.0.1', port, servedir: OUT });
  } catch (e) {
    process.stderr.write(
      `cannot serve on 127.0.0.1:${port}: ${e.message ?? e}\nTry another port: npm run lab -- --port 8322\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `rnnlab Lab: http://127.0.0.1:${served.port}/\n(serving ${OUT}; rebuilds when src/ changes; Ctrl-C stops)\n`,
  );
}
