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
import { adoptRenewedTls, CaAdmin, renewedTlsCertificate } from './certificate-authority';
import {
  applyConfigUpdate,
  proposeConfigUpdate,
  readChannelConfig,
  signConfigUpdate,
  type ChannelUpdateContext,
} from './channel-update';
import { consenterCertificate, withConsenterCertificate } from './consenter-certificates';
import { ordererClusterView } from './health';
import { adminHere, assertAdminHere, startOrderer, startPeer, stopNode } from './nodes';
import { waitFor } from './processes';
import { CHANNEL_NAME, organisation, ordererOrganisations, peersOf, type OrdererNode, type OrgKey } from './topology';

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
  const mine = topology.orderers.filter((o) => o.org === org.key);
  const missing = signers.filter((signer) => !adminHere(layout, signer));
  if (mine.length > 0 && missing.length > 0) {
    // An operator's own directory: the consenter-set update passes between the operators' hosts as a file.
    const done = peersOf(topology, org.key).length > 0 ? `${org.key}'s peers have new certificates; ` : '';
    throw new Error(
      done +
        `its orderers (${mine.map((o) => o.name).join(', ')}) need the ` +
        `signatures of other operators whose admins are not here (${missing.join(', ')}): for each, run ` +
        `\`medrec org rotate-tls --org ${org.key} --orderer <name> --out <file>\`, have the others sign it ` +
        `(\`medrec channel sign <file> --as <org> --expect-consenter <name>\`) and submit it, then run ` +
        `\`medrec org rotate-tls --org ${org.key} --orderer <name> --finish\``,
    );
  }
  for (const orderer of mine) {
    // An interrupted rotation whose update went in resumes with the staged key: a new one would lock it out.
    if (!(await stagedOnChannel(ctx, orderer))) {
      const certificate = await stageOrdererTls(ctx, orderer, progress);
      await untilEveryConsenterActive(ctx, orderer, 'every orderer of the cluster active', progress);
      await applyConfigUpdate(
        ctx,
        signers,
        withConsenterCertificate(orderer.host, orderer.port, certificate),
        progress,
      );
    }
    await restartWithStagedTls(ctx, orderer, progress);
  }
}

function stagedFile(ctx: ChannelUpdateContext, orderer: OrdererNode): string {
  return renewedTlsCertificate(ctx.layout, orderer.org, orderer.name);
}

/** Whether the channel's consenter set already names the certificate staged for the orderer (an update went in). */
async function stagedOnChannel(ctx: ChannelUpdateContext, orderer: OrdererNode): Promise<boolean> {
  const staged = stagedFile(ctx, orderer);
  if (!fs.existsSync(staged)) return false;
  const onChannel = consenterCertificate(await readChannelConfig(ctx, orderer.org), orderer.host, orderer.port);
  return onChannel?.trim() === fs.readFileSync(staged, 'utf8').trim();
}

/** A new TLS certificate for the orderer from its operator's CA, kept beside the one in use until it is adopted. */
async function stageOrdererTls(
  ctx: ChannelUpdateContext,
  orderer: OrdererNode,
  progress: (message: string) => void,
): Promise<string> {
  const org = organisation(ctx.topology, orderer.org);
  progress(`${orderer.name}: a new TLS certificate from ${org.ca.name}`);
  const next = await new CaAdmin(ctx.layout, ctx.bin, org).renewTls(orderer.name, [orderer.name]);
  return fs.readFileSync(path.join(next, 'server.crt'), 'utf8');
}

/** Restarts the orderer with its staged certificate and waits until it is back in the Raft cluster. */
async function restartWithStagedTls(
  ctx: ChannelUpdateContext,
  orderer: OrdererNode,
  progress: (message: string) => void,
): Promise<void> {
  const { layout, bin, topology } = ctx;
  progress(`${orderer.name}: restarting with it`);
  await stopNode(layout, orderer.name, 'orderer');
  adoptRenewedTls(layout, orderer.org, orderer.name);
  await startOrderer(layout, bin, topology, orderer);
  await untilEveryConsenterActive(ctx, orderer, `${orderer.name} back in the Raft cluster`, progress);
}

/**
 * Waits until the Raft leader counts every consenter active, as the orderer's own operations endpoint reports it (a
 * follower learns the count from the leader), so an operator's host needs no other operator's admin to see it. Before
 * a consenter-set update this avoids a refusal for "quorum loss" while another orderer is still reconnecting; after a
 * restart it means the orderer is back in the cluster.
 */
export async function untilEveryConsenterActive(
  ctx: ChannelUpdateContext,
  orderer: OrdererNode,
  what: string,
  progress: (message: string) => void,
): Promise<void> {
  let shown = '';
  await waitFor(
    what,
    async () => {
      const view = await ordererClusterView(orderer.host, orderer.operationsPort, CHANNEL_NAME);
      const state =
        view === undefined
          ? `${orderer.name} not reporting yet`
          : `${orderer.name} sees ${String(view.active)} of ${String(view.size)} consenters active`;
      if (state !== shown) progress(state); // once per change, not once per poll
      shown = state;
      return view !== undefined && view.size > 0 && view.active === view.size;
    },
    180_000,
    `see ${ctx.layout.logFile(orderer.name)}`,
  );
}

function ownOrderer(ctx: ChannelUpdateContext, name: string): OrdererNode {
  const orderer = ctx.topology.orderers.find((o) => o.name === name);
  if (orderer === undefined) {
    throw new Error(
      `no orderer ${name} in the consortium file; its orderers are ${ctx.topology.orderers.map((o) => o.name).join(', ')}`,
    );
  }
  assertAdminHere(ctx.layout, orderer.org);
  return orderer;
}

/**
 * On the operator's own host: a new TLS certificate for one of its orderers (staged, not yet in use) and the
 * consenter-set update that names it, written to `out` with the operator's signature. The other operators sign it
 * (`channel sign --expect-consenter`) and one submits it; then `finishOrdererTls` restarts the orderer with it.
 */
export async function proposeOrdererTls(
  ctx: ChannelUpdateContext,
  name: string,
  out: string,
  progress: (message: string) => void,
): Promise<void> {
  const orderer = ownOrderer(ctx, name);
  if (await stagedOnChannel(ctx, orderer)) {
    // Its update went in: a new key now would leave the channel naming a certificate no longer held.
    throw new Error(
      `the channel already names ${orderer.name}'s staged certificate: run \`medrec org rotate-tls --org ` +
        `${orderer.org} --orderer ${orderer.name} --finish\` to restart it with that certificate`,
    );
  }
  const certificate = await stageOrdererTls(ctx, orderer, progress);
  const basedOn = await proposeConfigUpdate(
    ctx,
    orderer.org,
    withConsenterCertificate(orderer.host, orderer.port, certificate),
    out,
  );
  if (basedOn === undefined) throw new Error(`the consenter set already holds that certificate for ${orderer.name}`);
  await signConfigUpdate(ctx, orderer.org, out);
  progress(`update naming ${orderer.name}'s new certificate written to ${out}, signed by the admin of ${orderer.org}`);
}

/**
 * Once the channel's consenter set holds the staged certificate (the update was submitted), restarts the orderer
 * with it. Refused, saying why, while the channel still names the old one: restarting then would lock it out.
 */
export async function finishOrdererTls(
  ctx: ChannelUpdateContext,
  name: string,
  progress: (message: string) => void,
): Promise<void> {
  const orderer = ownOrderer(ctx, name);
  if (!fs.existsSync(stagedFile(ctx, orderer))) {
    throw new Error(
      `${orderer.name} has no new certificate waiting: \`medrec org rotate-tls --org ${orderer.org} --orderer ` +
        `${orderer.name} --out <file>\` makes one and the update that names it`,
    );
  }
  if (!(await stagedOnChannel(ctx, orderer))) {
    throw new Error(
      `the channel's consenter set does not name ${orderer.name}'s new certificate yet: collect the operators' ` +
        'signatures on the update and submit it (`medrec channel submit <file> --as <org> --expect-consenter ' +
        `${orderer.name}\`), then run this again`,
    );
  }
  await restartWithStagedTls(ctx, orderer, progress);
}
