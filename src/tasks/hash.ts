// Stable 32-bit string hashes (FNV-1a) for problem ids, split partitions and per-response judge noise.
// Deterministic across runs, machines and the browser; not for security, only for reproducibility.

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32) so that nearby strings land in unrelated buckets
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash as 8 hex digits, for ids. */
export function hashHex(text: string): string {
  return fnv1a(text).toString(16).padStart(8, '0');
}

/** A uniform number in [0, 1) determined by `text` alone. */
export function hashUnit(text: string): number {
  return fnv1a(text) / 4294967296;
}
