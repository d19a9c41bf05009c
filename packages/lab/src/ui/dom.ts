/** A tiny element builder: `el('td', { class: 'x' }, ['text', child])`. Text is set as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  children: ReadonlyArray<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== '') e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** Looks up an element that the page must have; a missing one is a bug in index.html. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`index.html has no element #${id}`);
  return e as T;
}

/** Saves bytes or text as a download named `name`. */
export function download(name: string, data: Uint8Array | string, type: string): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Shows `note` only while `box` is wider than the screen lets it be, so columns out of sight are never a surprise. */
export function overflowHint(box: HTMLElement, note: HTMLElement): void {
  const update = () => {
    note.hidden = box.scrollWidth <= box.clientWidth + 1;
  };
  new ResizeObserver(update).observe(box);
  update();
}
