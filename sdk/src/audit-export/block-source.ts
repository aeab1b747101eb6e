import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { AuditExportError } from './audit-export-errors';
import { createStreamSink } from './export-sink';
import type { Qscc } from './qscc';

/** Serialized common.Block bytes by block number: from a peer, or from a bundle file for an offline auditor. */
export interface BlockSource {
  blockBytes(blockNumber: number): Promise<Uint8Array>;
  /** The block numbers this source can give, when it is a finite bundle (undefined for a peer). */
  available(): readonly number[] | undefined;
}

/** Blocks from a peer through qscc GetBlockByNumber. */
export function createQsccBlockSource(qscc: Qscc): BlockSource {
  return { blockBytes: (n) => qscc.getBlockByNumber(n), available: () => undefined };
}

/**
 * Block bundle format: JSON Lines, one `{"blockNumber": n, "block": "<base64 of the serialized common.Block>"}` per line.
 */
export interface BlockBundleLine {
  readonly blockNumber: number;
  readonly block: string;
}

/**
 * Fetches the blocks from qscc and writes them as a bundle file, one block at a time (bounded memory); returns the
 * number of blocks written.
 */
export async function exportBlockBundle(
  blockNumbers: Iterable<number>,
  qscc: Qscc,
  bundlePath: string,
  onProgress?: (written: number) => void,
): Promise<number> {
  const stream = createWriteStream(bundlePath, { encoding: 'utf8' });
  const closed = finished(stream);
  const sink = createStreamSink(stream);
  let written = 0;
  try {
    for (const blockNumber of [...new Set(blockNumbers)].sort((a, b) => a - b)) {
      const bytes = await qscc.getBlockByNumber(blockNumber);
      const line: BlockBundleLine = { blockNumber, block: Buffer.from(bytes).toString('base64') };
      await sink.write(`${JSON.stringify(line)}\n`);
      written += 1;
      if (written % 50 === 0) onProgress?.(written);
    }
  } finally {
    stream.end();
    await closed;
  }
  return written;
}

/** Blocks from a bundle written by {@link exportBlockBundle}. */
export async function loadBlockBundle(bundlePath: string): Promise<BlockSource> {
  const blocks = new Map<number, Uint8Array>();
  const lines = createInterface({ input: createReadStream(bundlePath, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const parsed = parseBundleLine(line);
    if (!parsed) {
      throw new AuditExportError({
        code: 'AUDIT_EXPORT_MALFORMED_FILE',
        message: `${bundlePath} line ${lineNumber} is not {"blockNumber", "block"}; export the block bundle again`,
      });
    }
    blocks.set(parsed.blockNumber, Buffer.from(parsed.block, 'base64'));
  }
  return createMemoryBlockSource(blocks);
}

function parseBundleLine(line: string): BlockBundleLine | undefined {
  try {
    const value = JSON.parse(line) as Partial<BlockBundleLine>;
    if (typeof value.blockNumber !== 'number' || typeof value.block !== 'string') return undefined;
    return { blockNumber: value.blockNumber, block: value.block };
  } catch {
    return undefined;
  }
}

/** Blocks held in memory (a loaded bundle, or test fixtures). */
export function createMemoryBlockSource(blocks: ReadonlyMap<number, Uint8Array>): BlockSource {
  return {
    blockBytes: (blockNumber) => {
      const bytes = blocks.get(blockNumber);
      if (!bytes) {
        return Promise.reject(
          new AuditExportError({
            code: 'AUDIT_EXPORT_BLOCK_UNAVAILABLE',
            message: `block ${blockNumber} is not in the block bundle; export a bundle that includes it`,
          }),
        );
      }
      return Promise.resolve(bytes);
    },
    available: () => [...blocks.keys()].sort((a, b) => a - b),
  };
}
