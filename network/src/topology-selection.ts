/**
 * Which consortium a command acts on. A network keeps the consortium file and port base it was created with
 * (network.json), so later commands reach the same nodes whatever the environment says; an explicit option wins.
 */
import path from 'node:path';
import { consortiumFileFromEnv } from './consortium-file';
import { Layout } from './layout';
import { readState, type NetworkState } from './network-state';
import { DEFAULT_CONSORTIUM_FILE, medrecHome } from './paths';
import { activeTopology, buildTopology, portBaseOverride, type Topology } from './topology';

export interface TopologyChoice {
  readonly portBase?: number;
  readonly consortiumFile?: string;
}

export function selectTopology(saved: NetworkState | undefined, choice: TopologyChoice = {}): Topology {
  return activeTopology(selectFileTopology(saved, choice), saved?.joined ?? [], saved?.removed ?? []);
}

/** The whole file's topology, organisations still to join included (what `medrec org join` starts from). */
export function selectFileTopology(saved: NetworkState | undefined, choice: TopologyChoice = {}): Topology {
  const savedFile = saved === undefined ? undefined : (saved.consortiumFile ?? DEFAULT_CONSORTIUM_FILE);
  if (
    choice.consortiumFile !== undefined &&
    savedFile !== undefined &&
    path.resolve(choice.consortiumFile) !== savedFile
  ) {
    throw new Error(
      `this network was created from the consortium file ${savedFile}, not ${path.resolve(choice.consortiumFile)}; ` +
        'leave --consortium out (or give that file), or remove the network first with `medrec network down --purge`',
    );
  }
  const file = choice.consortiumFile ?? savedFile ?? consortiumFileFromEnv();
  return buildTopology(choice.portBase ?? saved?.portBase ?? portBaseOverride(), file);
}

/** What network.json records about the consortium file: nothing for the default, so old and new networks agree. */
export function savedConsortiumFile(topology: Topology): Pick<NetworkState, 'consortiumFile'> {
  return topology.source === DEFAULT_CONSORTIUM_FILE ? {} : { consortiumFile: topology.source };
}

/** The consortium of the network in MEDREC_HOME (or the one a first `up` would create): what the CLI's --org names. */
export function currentTopology(): Topology {
  return selectTopology(readState(new Layout(medrecHome())));
}
