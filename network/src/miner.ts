import fs from 'node:fs';
import path from 'node:path';
import { Listr } from 'listr2';
import { chainHeight, createMiner, type MinerProgress, type MinerSummary } from './miner/miner';
import type { FabricAccess } from './fabric-access';
import { minerCheckpointPath } from './miner-process';
import { organisation, type PeerOrgKey } from './topology';

export interface MinerCommandOptions {
  readonly org: PeerOrgKey;
  /** Process the blocks that exist now, then exit (instead of following the chain until stopped). */
  readonly once?: boolean;
  /** Exit once every block below this height is processed. */
  readonly untilHeight?: bigint;
  /** Default MEDREC_HOME/miner/<org>.checkpoint. */
  readonly checkpointFile?: string;
  /** Block to start from when the checkpoint file is new (default 0). */
  readonly startBlock?: bigint;
  readonly batchSize?: number;
  readonly renderer?: 'default' | 'simple' | 'silent';
  readonly onProgress?: (progress: MinerProgress) => void;
  /** Resolves when the daemon should stop (the CLI passes Ctrl-C). */
  readonly stopSignal?: Promise<void>;
}

export function minerCheckpointFile(consortium: FabricAccess, org: PeerOrgKey): string {
  return minerCheckpointPath(consortium.layout, org);
}

/**
 * Runs an organisation's miner as its admin: follows the channel's blocks from its checkpoint, claims the
 * organisation's endorsements of valid MedRec business transactions (pending until other organisations attest them),
 * attests other organisations' pending claims it finds in its own peer's blocks, and shows progress and the balance.
 * A bounded run (`once`, `untilHeight`) ends with one pass over the pending claims.
 */
export async function runMiner(
  consortium: FabricAccess,
  options: Readonly<MinerCommandOptions>,
): Promise<MinerSummary> {
  const checkpointFile = options.checkpointFile ?? minerCheckpointFile(consortium, options.org);
  fs.mkdirSync(path.dirname(checkpointFile), { recursive: true });
  const mspId = organisation(consortium.topology, options.org).mspId;
  const connection = consortium.connectAdmin(options.org);
  let summary: MinerSummary | undefined;
  try {
    const untilHeight =
      options.untilHeight ?? (options.once === true ? await chainHeight(connection.gateway) : undefined);
    const totals = { claimed: 0, already: 0, refused: 0, attested: 0, paid: 0, notAttested: 0, balance: '?' };
    await new Listr(
      [
        {
          title:
            `Miner of ${options.org} (${mspId}): claiming its peers' endorsements, attesting other organisations' claims ` +
            (untilHeight === undefined ? '(following the chain; Ctrl-C stops)' : `up to block ${untilHeight - 1n}`),
          task: async (_ctx, task) => {
            const line = (where: string): string =>
              `${where}  claimed ${totals.claimed}` +
              (totals.already > 0 ? ` (+${totals.already} already claimed)` : '') +
              (totals.refused > 0 ? `  refused ${totals.refused}` : '') +
              `  attested ${totals.attested} (paid ${totals.paid})` +
              (totals.notAttested > 0 ? `  not attested ${totals.notAttested}` : '') +
              `  balance ${totals.balance}`;
            const miner = createMiner({
              gateway: connection.gateway,
              mspId,
              checkpointFile,
              ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
              ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
              ...(untilHeight === undefined ? {} : { untilHeight }),
              onProgress: (progress) => {
                switch (progress.kind) {
                  case 'batch':
                    totals.claimed += progress.claimed.length;
                    totals.already += progress.alreadyClaimed.length;
                    totals.refused += progress.refused.length;
                    break;
                  case 'attest':
                    totals.attested += progress.attested.length;
                    totals.paid += progress.paid;
                    totals.notAttested += progress.refused.length;
                    break;
                  case 'sweep':
                    totals.balance = progress.balance;
                    task.output = line(`pending claims checked (${progress.sweep.ownPending} own still pending)`);
                    break;
                  case 'block':
                    task.output = line(`block ${progress.blockNumber}/${progress.height - 1n}`);
                    break;
                }
                options.onProgress?.(progress);
              },
            });
            void options.stopSignal?.then(() => {
              miner.stop();
            });
            summary = await miner.run();
          },
          rendererOptions: { outputBar: 1, persistentOutput: true },
        },
      ],
      {
        renderer: options.renderer ?? 'default',
        fallbackRenderer: 'simple',
        exitOnError: true,
        registerSignalListeners: false,
      },
    ).run();
  } finally {
    connection.close();
  }
  if (summary === undefined) throw new Error('the miner did not run');
  return summary;
}
