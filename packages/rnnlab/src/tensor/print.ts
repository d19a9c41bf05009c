/**
 * PyTorch's tensor printout (`torch/_tensor_str.py`, default print options), for `Tensor.toString()` and Node's
 * `console.log`:
 *
 *   tensor([[0.1000, 0.2000],
 *           [0.3000, 0.4000]], requires_grad=True)
 *
 * One formatter for all elements: integers print as `1.`; otherwise 4 decimals (`0.1000`), or scientific
 * notation (`1.0000e-05`) when the nonzero finite magnitudes span more than 1000× or leave [1e-4, 1e8]; every
 * element is padded to the widest. Rows wrap at 80 columns; tensors of more than 1000 elements show the first and
 * last 3 entries of each dim around `...`. Suffixes: `size=(…)` for empty tensors that are not 1-D,
 * `grad_fn=<…>` for op results, `requires_grad=True` for leaves that require grad.
 */
import { formatFixed, formatScientific } from './python_float_format.js';
import { stridesOf } from './shape.js';
import type { Tensor } from './tensor.js';

/** PyTorch's default print options. */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/** How every element of one printout is written (PyTorch's `_Formatter` for floating-point tensors). */
class ElementFormatter {
  private intMode = true;
  private sciMode = false;
  readonly width: number = 1;

  /** `values`: the elements that will be shown (the summarised ones for large tensors). */
  constructor(values: Iterable<number>) {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    const shown: number[] = [];
    for (const v of values) {
      if (!Number.isFinite(v) || v === 0) continue;
      shown.push(v);
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    if (shown.length === 0) return; // only zeros, NaN and ±inf: `0.`, `nan`, `inf`
    this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
    let width = 1;
    for (const v of shown) width = Math.max(width, this.bare(v).length);
    this.width = width;
  }

  /** The element without padding (an integer's width counts its trailing '.'). */
  private bare(v: number): string {
    if (this.sciMode) return formatScientific(v, PRECISION);
    if (this.intMode) return Number.isFinite(v) ? `${formatFixed(v, 0)}.` : formatFixed(v, 0);
    return formatFixed(v, PRECISION);
  }

  format(v: number): string {
    return this.bare(v).padStart(this.width);
  }
}

/** The row-major data of one tensor, walked sub-tensor by sub-tensor. */
interface Walk {
  data: Float32Array;
  shape: readonly number[];
  strides: number[];
  summarize: boolean;
}

interface Layout extends Walk {
  formatter: ElementFormatter;
}

/** Indices along a dim that are shown: all, or the first and last EDGE_ITEMS with null for the `...`. */
function shownIndices(size: number, summarize: boolean): Array<number | null> {
  const all = Array.from({ length: size }, (_, i) => i);
  if (!summarize || size <= 2 * EDGE_ITEMS) return all;
  return [...all.slice(0, EDGE_ITEMS), null, ...all.slice(size - EDGE_ITEMS)];
}

/** The elements a summarised printout shows (PyTorch's `get_summarized_data`). */
function* shownValues(l: Walk, offset: number, dim: number): Generator<number> {
  if (dim === l.shape.length) {
    yield l.data[offset];
    return;
  }
  for (const i of shownIndices(l.shape[dim], l.summarize)) {
    if (i !== null) yield* shownValues(l, offset + i * l.strides[dim], dim + 1);
  }
}

/** One row: elements joined by ', ', wrapped so each line fits LINE_WIDTH after `indent` columns. */
function vectorText(l: Layout, offset: number, dim: number, indent: number): string {
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (l.formatter.width + 2)));
  const items = shownIndices(l.shape[dim], l.summarize).map((i) =>
    i === null ? ' ...' : l.formatter.format(l.data[offset + i * l.strides[dim]]),
  );
  const lines: string[] = [];
  for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** The sub-tensor at `offset` spanning dims `dim..`; sub-tensors of rank r are separated by r−1 blank lines. */
function tensorText(l: Layout, offset: number, dim: number, indent: number): string {
  const rank = l.shape.length - dim;
  if (rank === 0) return l.formatter.format(l.data[offset]);
  if (rank === 1) return vectorText(l, offset, dim, indent);
  const parts = shownIndices(l.shape[dim], l.summarize).map((i) =>
    i === null ? '...' : tensorText(l, offset + i * l.strides[dim], dim + 1, indent + 1),
  );
  return `[${parts.join(`,${'\n'.repeat(rank - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** PyTorch's `grad_fn` class name for an op name: `mul` → `MulBackward0` (names already ending in Backward kept). */
function gradFnName(op: string): string {
  if (op.includes('Backward')) return op;
  const torchName: Record<string, string> = { reshape: 'View', narrow: 'Slice' };
  const base = torchName[op] ?? op.charAt(0).toUpperCase() + op.slice(1);
  return `${base}Backward0`;
}

/** Python's `str(tuple(shape))`. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Appends `, suffix` to the last line, or starts a new line indented by `indent` when it would pass LINE_WIDTH. */
function addSuffixes(text: string, suffixes: string[], indent: number): string {
  let out = text;
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLength = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLineLength += suffix.length + 2;
    }
  }
  return `${out})`;
}

/** The PyTorch-style printout of `t` (see the file comment). */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body = '[]';
  if (t.numel() === 0) {
    if (t.ndim !== 1) suffixes.push(`size=${pythonTuple(t.shape)}`);
  } else {
    const walk: Walk = {
      data: t.data,
      shape: t.shape,
      strides: stridesOf(t.shape),
      summarize: t.numel() > THRESHOLD,
    };
    body = tensorText({ ...walk, formatter: new ElementFormatter(shownValues(walk, 0, 0)) }, 0, 0, indent);
  }
  if (t.gradFn !== null) suffixes.push(`grad_fn=<${gradFnName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
