/**
 * A deterministic RandomSource for tests only: the byte stream is SHA-256(seed || 64-bit big-endian counter) for
 * counter = 0, 1, 2, ..., and uniform integers are drawn from it with the production rejection sampler. The same seed
 * gives the same draws on every platform, so statistical tests have a fixed outcome instead of a failure rate.
 */
import { createHash } from 'node:crypto';
import { randomSourceFromBytes, type RandomSource } from '../../../../gatekeeper/src/trends/random-source';

export function seededRandomSource(seed: string): RandomSource {
  const seedBytes = Buffer.from(seed, 'utf8');
  const counterBytes = Buffer.alloc(8);
  let counter = 0n;
  let block = Buffer.alloc(0);
  let offset = 0;

  function refill(): void {
    counterBytes.writeBigUInt64BE(counter);
    counter += 1n;
    block = createHash('sha256').update(seedBytes).update(counterBytes).digest();
    offset = 0;
  }

  return randomSourceFromBytes((length) => {
    if (offset + length <= block.length) {
      offset += length;
      return block.subarray(offset - length, offset);
    }
    const out = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      if (offset === block.length) refill();
      const take = Math.min(length - filled, block.length - offset);
      block.copy(out, filled, offset, offset + take);
      filled += take;
      offset += take;
    }
    return out;
  });
}
