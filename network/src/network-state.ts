import fs from 'node:fs';
import type { ChaincodeDefinition } from './chaincode-deployment';
import type { Layout } from './layout';

/** What `up` has completed, so a second `up` resumes instead of redoing (and `up` after `down` keeps the ledger). */
export interface NetworkState {
  readonly portBase: number;
  /** The consortium file the network was created from; absent for the default (and networks older than the file). */
  readonly consortiumFile?: string;
  readonly createdAt: string;
  readonly identitiesReady: boolean;
  readonly channelJoined: boolean;
  readonly chaincode?: ChaincodeDefinition;
  /** Organisations of the file's channel.joining that have joined the running channel (`medrec org join`). */
  readonly joined?: readonly string[];
  /** Organisations removed from the channel (`medrec org remove`): their nodes are no longer part of the network. */
  readonly removed?: readonly string[];
  /**
   * Set on a founding organisation's own state directory (`medrec org init`): it holds this organisation's keys and
   * the others' public definitions only, so only this organisation's processes run from it.
   */
  readonly owner?: string;
}

export function readState(layout: Layout): NetworkState | undefined {
  if (!fs.existsSync(layout.stateFile)) return undefined;
  return JSON.parse(fs.readFileSync(layout.stateFile, 'utf8')) as NetworkState;
}

export function writeState(layout: Layout, state: NetworkState): void {
  fs.mkdirSync(layout.home, { recursive: true });
  const tmp = `${layout.stateFile}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2));
  fs.renameSync(tmp, layout.stateFile);
}
