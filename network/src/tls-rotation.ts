/**
 * Rotating an organisation's TLS certificates on a running network, one node at a time. A peer's TLS certificate is
 * trusted through its organisation's TLS root in the channel configuration, which does not change: a new certificate
 * from the same CA and a restart suffice. An orderer's is also pinned in the Raft consenter set (the other orderers
 * accept its cluster connections by it), so it changes by a channel configuration update that the orderer
 * organisations' admins sign (the Orderer group's MAJORITY Admins policy), followed by a restart with the new
 * certificate. Fabric's "Certificate rotation" (raft_configuration.md) describes the same order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { adoptRenewedTls, CaAdmin } from './certificate-authority';
import { applyConfigUpdate, type ChannelUpdateContext } from './channel-update';
import { withConsenterCertificate } from './consenter-certificates';
import { ordererHeight, startOrderer, startPeer, stopNode } from './nodes';
import { waitFor } from './processes';
import { organisation, ordererOrganisations, peersOf, type OrgKey } from './topology';

export async function rotateOrganisationTls(
  ctx: ChannelUpdateContext,
  orgKey: OrgKey,
  progress: (message: string) => void,
): Promise<void> {
  const { layout, bin, topology } = ctx;
  const org = organisation(topology, orgKey);
  const ca = new CaAdmin(layout, bin, org);
  for (const peer of peersOf(topology, org.key)) {
    progress(`${peer.name}: a new TLS certificate from ${org.ca.name}`);
    await ca.renewTls(peer.name, [peer.name]);
    progress(`${peer.name}: restarting with it`);
    await stopNode(layout, peer.name, 'peer');
    adoptRenewedTls(layout, org.key, peer.name);
    await startPeer(layout, bin, topology, peer);
  }
  const signers = ordererOrganisations(topology).map((operator) => operator.key);
  for (const orderer of topology.orderers.filter((o) => o.org === org.key)) {
    progress(`${orderer.name}: a new TLS certificate from ${org.ca.name}`);
    const next = await ca.renewTls(orderer.name, [orderer.name]);
    const certificate = fs.readFileSync(path.join(next, 'server.crt'), 'utf8');
    await applyConfigUpdate(ctx, signers, withConsenterCertificate(orderer.host, orderer.port, certificate), progress);
    progress(`${orderer.name}: restarting with it`);
    await stopNode(layout, orderer.name, 'orderer');
    adoptRenewedTls(layout, org.key, orderer.name);
    await startOrderer(layout, bin, topology, orderer);
    // Back in the cluster: at the height of another orderer (the config block that named its new certificate included).
    const other = topology.orderers.find((o) => o.name !== orderer.name);
    if (other !== undefined) {
      await waitFor(
        `${orderer.name} back in the Raft cluster`,
        async () => {
          const [mine, theirs] = await Promise.all([
            ordererHeight(layout, bin, orderer),
            ordererHeight(layout, bin, other),
          ]);
          progress(`${orderer.name} at block ${String(mine)} of ${String(theirs)}`);
          return mine !== undefined && mine === theirs;
        },
        120_000,
        `see ${layout.logFile(orderer.name)}`,
      );
    }
  }
}
