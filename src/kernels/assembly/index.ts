/** First address free for the JavaScript-side allocator (after static data). */
export function heapBase(): usize {
  return __heap_base;
}
