import { randomBytes } from 'node:crypto';

/**
 * Random bytes drawn from the CSPRNG in 4 KiB blocks: one call into it per few hundred ids or
 * nonces instead of one each, which showed up on the callback hot path. Every byte is handed
 * out once, as a copy, so no two callers ever share a value.
 */
const BLOCK = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function pooledRandomBytes(size: number): Buffer {
  if (size > BLOCK) return randomBytes(size);
  if (offset + size > pool.length) {
    pool = randomBytes(BLOCK);
    offset = 0;
  }
  offset += size;
  return Buffer.from(pool.subarray(offset - size, offset));
}
