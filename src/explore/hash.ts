/** MurmurHash3 (x86, 32-bit) over `width` ints of `a` starting at `at`. */
export function hashInts(a: Int32Array, at: number, width: number, seed = 0x9747b28c): number {
  let h = seed;
  for (let i = at, end = at + width; i < end; i++) {
    let k = Math.imul(a[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= width * 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
