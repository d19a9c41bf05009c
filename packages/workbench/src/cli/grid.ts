/**
 * `--grid "hidden=32,64;layers=1,2;seq-len=8,16;lr=0.001,0.003;target=close,log_return"`: the cartesian product of
 * the listed values, in the order the fields are written with the last field varying fastest; fields not listed
 * take their value from the flags (--hidden, --layers, --seq-len, --lr, --target). Cell i is the i-th product.
 */
import type { GridCell } from 'rnnlab/forecast';

/** Grid fields by their flag name. */
const FIELDS: Readonly<Record<string, keyof GridCell>> = {
  hidden: 'hidden',
  layers: 'layers',
  'seq-len': 'seqLen',
  lr: 'lr',
  target: 'target',
};

/** Most cells a grid may have. */
export const MAX_GRID_CELLS = 10_000;

function parseValue(field: keyof GridCell, raw: string, spec: string): number | string {
  const fail = (want: string) =>
    new Error(
      `--grid '${spec.slice(0, 200)}': ${field === 'seqLen' ? 'seq-len' : field} value '${raw.slice(0, 40)}' ${want}.`,
    );
  if (field === 'target') {
    if (raw !== 'close' && raw !== 'log_return') throw fail('is not close or log_return');
    return raw;
  }
  const n = Number(raw);
  if (field === 'lr') {
    if (!(Number.isFinite(n) && n > 0) || raw === '') throw fail('is not a positive number');
    return n;
  }
  if (!Number.isInteger(n) || n < 1 || raw === '') throw fail('is not an integer >= 1');
  return n;
}

/** The grid cells of `spec` (undefined: the one cell of `defaults`). */
export function parseGrid(spec: string | undefined, defaults: GridCell): GridCell[] {
  if (spec === undefined || spec.trim() === '') return [{ ...defaults }];
  const axes: Array<{ field: keyof GridCell; values: Array<number | string> }> = [];
  for (const part of spec.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const field = FIELDS[name];
    if (eq < 0 || field === undefined)
      throw new Error(
        `--grid '${spec.slice(0, 200)}': '${part.trim().slice(0, 40)}' is not FIELD=v1,v2 with FIELD one of ${Object.keys(FIELDS).join(', ')}.`,
      );
    if (axes.some((a) => a.field === field))
      throw new Error(`--grid '${spec.slice(0, 200)}': ${name} is listed twice.`);
    const values = part
      .slice(eq + 1)
      .split(',')
      .map((v) => parseValue(field, v.trim(), spec));
    if (new Set(values).size !== values.length)
      throw new Error(`--grid '${spec.slice(0, 200)}': ${name} repeats a value.`);
    axes.push({ field, values });
  }
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_GRID_CELLS)
    throw new Error(`--grid has ${count} cells, more than ${MAX_GRID_CELLS}. Fix: list fewer values.`);
  let cells: GridCell[] = [{ ...defaults }];
  for (const a of axes)
    cells = cells.flatMap((c) => a.values.map((v) => ({ ...c, [a.field]: v }) as GridCell));
  return cells;
}

/** "hidden 32, layers 1, seq-len 8, lr 0.001, target close". */
export function describeCell(c: GridCell): string {
  return `hidden ${c.hidden}, layers ${c.layers}, seq-len ${c.seqLen}, lr ${c.lr}, target ${c.target}`;
}
