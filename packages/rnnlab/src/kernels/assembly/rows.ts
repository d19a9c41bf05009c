/**
 * Row-wise helpers over f32 matrices with leading dimensions (floats) and byte pointers; R rows, C columns.
 */

/** Floats rounded up to a multiple of 4, so scratch sub-buffers stay 16-byte aligned. */
export function al4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** dst (R,C) = src (R,C), or zeros when src is 0; nothing when dst is 0. */
export function copy_rows(R: i32, C: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  if (dst === 0) return;
  const bytes = (<usize>C) << 2;
  for (let r = 0; r < R; r++) {
    const d = dst + ((<usize>r * <usize>ldd) << 2);
    if (src === 0) memory.fill(d, 0, bytes);
    else memory.copy(d, src + ((<usize>r * <usize>lds) << 2), bytes);
  }
}

/** dst (R,C) += src (R,C). */
export function add_rows(R: i32, C: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  for (let r = 0; r < R; r++) {
    const s = src + ((<usize>r * <usize>lds) << 2);
    const d = dst + ((<usize>r * <usize>ldd) << 2);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = (<usize>c) << 2;
      v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
    }
    for (; c < C; c++) {
      const o = (<usize>c) << 2;
      store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
    }
  }
}

/** dst (C) += Σ_r src[r][·] (bias gradients); nothing when dst is 0. */
export function colsum_acc(R: i32, C: i32, src: usize, lds: i32, dst: usize): void {
  if (dst === 0) return;
  for (let r = 0; r < R; r++) add_rows(1, C, src + ((<usize>r * <usize>lds) << 2), C, dst, C);
}

/**
 * colsum_acc into two buffers at once (b_ih and b_hh get the same gradient): each row is read once and added to
 * both, row by row in the same order, so each gets the bits colsum_acc gives it. Nothing when dst1 is 0.
 */
export function colsum_acc2(R: i32, C: i32, src: usize, lds: i32, dst1: usize, dst2: usize): void {
  if (dst1 === 0) return;
  if (dst2 === 0) {
    colsum_acc(R, C, src, lds, dst1);
    return;
  }
  const C4 = (<usize>(C & ~3)) << 2;
  const CB = (<usize>C) << 2;
  const ldsB = (<usize>lds) << 2;
  for (let r = 0; r < R; r++, src += ldsB) {
    let o: usize = 0;
    for (; o < C4; o += 16) {
      const v = v128.load(src + o);
      v128.store(dst1 + o, f32x4.add(v128.load(dst1 + o), v));
      v128.store(dst2 + o, f32x4.add(v128.load(dst2 + o), v));
    }
    for (; o < CB; o += 4) {
      const v = load<f32>(src + o);
      store<f32>(dst1 + o, load<f32>(dst1 + o) + v);
      store<f32>(dst2 + o, load<f32>(dst2 + o) + v);
    }
  }
}

/** dst (C) = (a ? a : 0) + (b ? b : 0), elementwise. */
export function sum2(C: i32, a: usize, b: usize, dst: usize): void {
  copy_rows(1, C, a, C, dst, C);
  if (b !== 0) add_rows(1, C, b, C, dst, C);
}

/** dst (A2, A1, inner) = src (A1, A2, inner): swaps the two leading dims (time-major ↔ batch-first) while copying. */
export function swap_leading(A1: i32, A2: i32, inner: i32, src: usize, dst: usize): void {
  const rowB = (<usize>inner) << 2;
  const v4 = (<usize>(inner & ~3)) << 2;
  for (let i = 0; i < A1; i++) {
    let s = src + <usize>i * <usize>A2 * rowB;
    let d = dst + <usize>i * rowB;
    const dStep = <usize>A1 * rowB;
    for (let j = 0; j < A2; j++, s += rowB, d += dStep) {
      let o: usize = 0;
      for (; o < v4; o += 16) v128.store(d + o, v128.load(s + o));
      for (; o < rowB; o += 4) store<f32>(d + o, load<f32>(s + o));
    }
  }
}
