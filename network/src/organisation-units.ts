/**
 * `medrec org units`: the systemd units of one organisation's processes on the host it runs on, built from the same
 * process descriptions `medrec org up` starts (systemd-units.ts renders them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { apiProcessSpec } from './api-process';
import { caProcessSpec } from './certificate-authority';
import { chaincodeProcessSpec, packageIdOf } from './chaincode-deployment';
import type { FabricBinaries } from './fabric-binaries';
import { gatekeeperProcessSpec } from './gatekeeper-process';
import type { Layout } from './layout';
import { minerProcessSpec } from './miner-process';
import { readState } from './network-state';
import { ordererProcessSpec, peerProcessSpec } from './nodes';
import type { ProcessUnit, UnitFile } from './systemd-units';
import { organisation, peerAddressList, peerOf, peersOf, type OrgKey, type Topology } from './topology';

/** One organisation's processes in the order they start, each after those it needs. */
export function organisationProcessUnits(
  layout: Layout,
  bin: FabricBinaries,
  topology: Topology,
  orgKey: OrgKey,
): ProcessUnit[] {
  const org = organisation(topology, orgKey);
  const ca = caProcessSpec(layout, bin, org);
  const units: ProcessUnit[] = [{ spec: ca, what: 'Fabric CA', after: [] }];
  for (const orderer of topology.orderers.filter((o) => o.org === org.key)) {
    units.push({ spec: ordererProcessSpec(layout, bin, topology, orderer), what: 'Raft orderer', after: [] });
  }
  const peers = peersOf(topology, org.key);
  if (peers.length === 0) return units;
  const chaincode = readState(layout)?.chaincode;
  if (chaincode === undefined) {
    throw new Error(
      `the network in ${layout.home} has no chaincode deployed yet: create it with \`medrec network up\` (or join ` +
        'the organisation) first; the units name the package its chaincode server registers as',
    );
  }
  const peerNames = peers.map((peer) => peer.name);
  for (const peer of peers) {
    units.push({ spec: peerProcessSpec(layout, bin, topology, peer), what: 'Fabric peer', after: [] });
  }
  const cc = chaincodeProcessSpec(layout, topology, org.key, packageIdOf(chaincode, org.key));
  units.push({ spec: cc, what: 'MedRec chaincode server', after: [] });
  const first = peerOf(topology, org.key);
  const addresses = peerAddressList(topology, org.key);
  const gatekeeper = gatekeeperProcessSpec(layout, org, first, addresses);
  units.push({ spec: gatekeeper, what: 'Database Gatekeeper', after: peerNames });
  units.push({
    spec: apiProcessSpec(layout, org, first, addresses),
    what: 'REST API',
    after: [...peerNames, gatekeeper.name, ca.name],
  });
  units.push({ spec: minerProcessSpec(layout, topology, first), what: 'incentive miner', after: peerNames });
  return units;
}

/** Writes the units and environment files into `outDir` (environment files 0600); returns what it wrote. */
export function writeOrganisationUnits(outDir: string, files: readonly UnitFile[]): string[] {
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  return files.map((file) => {
    const target = path.join(outDir, file.fileName);
    fs.writeFileSync(target, file.content, { mode: file.mode });
    fs.chmodSync(target, file.mode);
    return target;
  });
}
