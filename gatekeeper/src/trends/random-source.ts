/**
 * Uniform random integers for the trend responder's noise samplers (discrete-noise.ts). The samplers ask for nothing but
 * uniform integers below a bound, so they stay exact whatever the source: production uses the operating system's
 * CSPRNG (cryptoRandomSource), tests a seeded source built on randomSourceFromBytes.
 */
import { randomBytes } from 'node:crypto';

/** A source of uniform random integers. */
export interface RandomSource {
  /** A uniform integer in [0, n). `n` must be a bigint >= 1n, otherwise RangeError. */
  uniformBelow(n: bigint): bigint;
}

/** Returns exactly `length` fresh random bytes; the caller only reads them. */
export type ByteSource = (length: number) => Buffer;

// Candidates of up to 48 bits are read as integers in a double (exact below 2^53, no fractional arithmetic), which
// avoids a BigInt per rejected candidate.
const NUMBER_PATH_BYTES = 6;
// randomBytes is called for a pool rather than per draw: a sampler asks for a byte or two at a time, many times.
const POOL_BYTES = 512;

/**
 * A RandomSource over a stream of uniform bytes. Draws ceil(bits(n-1)/8) bytes, masks the top byte down to bits(n-1)
 * bits and rejects candidates >= n: every value in [0, n) is equally likely (a modulo would favour the small ones),
 * and a candidate is accepted with probability above 1/2. uniformBelow(1n) is 0n without reading any bytes.
 */
export function randomSourceFromBytes(nextBytes: ByteSource): RandomSource {
  return {
    uniformBelow(n: bigint): bigint {
      checkBound(n);
      if (n === 1n) return 0n;
      const bits = bitLength(n - 1n);
      const length = Math.ceil(bits / 8);
      const topMask = 0xff >>> (length * 8 - bits);
      for (;;) {
        const bytes = nextBytes(length);
        if (bytes.length !== length) throw new Error(`byte source returned ${bytes.length} bytes, not ${length}`);
        const candidate = candidateFrom(bytes, topMask, n);
        if (candidate !== undefined) return candidate;
      }
    },
  };
}

/** The production RandomSource: node:crypto randomBytes (the OS CSPRNG) with rejection sampling. */
export function cryptoRandomSource(): RandomSource {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return randomSourceFromBytes((length) => {
    if (length > POOL_BYTES) return randomBytes(length);
    if (offset + length > pool.length) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    // Each pooled byte is handed out once.
    const bytes = pool.subarray(offset, offset + length);
    offset += length;
    return bytes;
  });
}

function checkBound(n: unknown): void {
  if (typeof n !== 'bigint' || n < 1n) {
    const got = typeof n === 'bigint' || typeof n === 'number' ? String(n) : typeof n;
    throw new RangeError(`uniformBelow(n) needs n as a bigint >= 1n (the draw is from [0, n)); got ${got}.`);
  }
}

/** The candidate read from `bytes` (big-endian, top byte masked) if it is below n, else undefined (rejected). */
function candidateFrom(bytes: Buffer, topMask: number, n: bigint): bigint | undefined {
  const top = bytes.readUInt8(0) & topMask;
  if (bytes.length <= NUMBER_PATH_BYTES) {
    const rest = bytes.length > 1 ? bytes.readUIntBE(1, bytes.length - 1) : 0;
    const value = top * 2 ** (8 * (bytes.length - 1)) + rest;
    return value < Number(n) ? BigInt(value) : undefined;
  }
  const value = (BigInt(top) << BigInt(8 * (bytes.length - 1))) | BigInt(`0x${bytes.toString('hex', 1)}`);
  return value < n ? value : undefined;
}

/** Number of bits of a positive bigint. */
function bitLength(value: bigint): number {
  if (value < 0x1_0000_0000n) return 32 - Math.clz32(Number(value));
  return value.toString(2).length;
}
