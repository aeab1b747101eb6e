/**
 * New enrollment (signing) certificates for every identity of one organisation, from its own CA, on a running
 * network. Fabric CA issues them for a year: a peer or orderer whose certificate has expired no longer starts, and an
 * admin's no longer signs. The channel configuration trusts the organisation through its CA root and the NodeOU
 * that the CA writes into each certificate, neither of which changes, so no configuration update is needed: each
 * identity is enrolled again with the secret it was registered with (the same enrollment id and attributes, so the
 * chaincode still binds it to the same participant), and whatever signs with it restarts. Everything is enrolled
 * before anything restarts, so a CA that fails half-way changes nothing in use. The CA's own HTTPS certificate,
 * which also lasts a year, is renewed first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mapBounded } from './bounded-pool';
import { adoptRenewedEnrollment, CaAdmin, caServerTlsCertificate, startCa, stopCa } from './certificate-authority';
import type { ChannelUpdateContext } from './channel-update';
import { mspCertificateFile } from './msp';
import { startOrderer, startPeer, stopNode } from './nodes';
import { untilEveryConsenterActive } from './tls-rotation';
import { organisation, type OrgKey } from './topology';
import type { WalletRenewal } from './wallet-renewal';

const RENEWAL_CONCURRENCY = 4;

/** The organisation's MedRec services (gatekeeper, API, miner): they read their identities when they start. */
export interface OrganisationServices {
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Re-enrolls the users its API keeps in its wallet, once the services run with the new CA admin certificate. */
  renewWallet(progress: (message: string) => void): Promise<WalletRenewal>;
}

export interface EnrollmentRenewal {
  /** The identities of the directory renewed: the CA admin, nodes, admin, services and users. */
  readonly identities: readonly string[];
  /** The API wallet's users; absent for an organisation without peers (and so without an API). */
  readonly wallet?: WalletRenewal;
}

/** The identities of the organisation's directory that hold an enrollment certificate, by name. */
export function enrolledIdentities(ctx: ChannelUpdateContext, org: OrgKey): string[] {
  const identities = ctx.layout.identitiesDir(org);
  if (!fs.existsSync(identities)) return [];
  return fs
    .readdirSync(identities)
    .filter((name) => fs.existsSync(mspCertificateFile(path.join(ctx.layout.identityDir(org, name), 'msp'))))
    .sort();
}

export async function renewOrganisationEnrollments(
  ctx: ChannelUpdateContext,
  orgKey: OrgKey,
  services: OrganisationServices | undefined,
  progress: (message: string) => void,
): Promise<EnrollmentRenewal> {
  const { layout, bin, topology } = ctx;
  const org = organisation(topology, orgKey);
  if (!fs.existsSync(layout.caSecretFile(orgKey)) || !fs.existsSync(layout.caCert(orgKey))) {
    throw new Error(
      `${layout.home} does not hold ${orgKey}'s CA: renew its certificates on its own host, from the directory ` +
        '`medrec org up` runs it from',
    );
  }
  const ca = new CaAdmin(layout, bin, org);
  const names = enrolledIdentities(ctx, orgKey);
  const unknown = names.filter((name) => !ca.knowsSecretOf(name));
  if (unknown.length > 0) {
    throw new Error(
      `${unknown.join(', ')} of ${orgKey} were not registered from this directory (no enrollment secret in ` +
        `${layout.caSecretFile(orgKey)}): renew them where they were registered, or remove their identity ` +
        'directories if they are no longer used',
    );
  }
  // First the CA's own HTTPS certificate (also a year): once it has expired no identity can be enrolled at all.
  // fabric-ca-server issues itself a new one from its root when it starts without one.
  progress(`${org.ca.name}: restarting with a new HTTPS server certificate`);
  await stopCa(layout, orgKey);
  fs.rmSync(caServerTlsCertificate(layout, orgKey), { force: true });
  await startCa(layout, bin, org);
  progress(`the CA admin of ${orgKey}: a new certificate from ${org.ca.name}`);
  await ca.renewRegistrar();
  const orderers = topology.orderers.filter((o) => o.org === orgKey && names.includes(o.name));
  const peers = topology.peers.filter((p) => p.org === orgKey && names.includes(p.name));
  const nodes = new Set([...orderers, ...peers].map((node) => node.name));
  // A few enrollments at a time: a directory may hold many users, and the CA answers each on its own.
  let done = 0;
  await mapBounded(names, RENEWAL_CONCURRENCY, async (name) => {
    await ca.renewEnrollment(name, nodes.has(name) ? [name] : []);
    done += 1;
    if (nodes.has(name) || done % 10 === 0 || done === names.length) {
      progress(`${String(done)} of ${String(names.length)} enrolled again (${name})`);
    }
  });
  // The nodes one at a time, so the organisation keeps endorsing (two peers) and the cluster keeps its quorum.
  for (const orderer of orderers) {
    progress(`${orderer.name}: restarting with it`);
    await stopNode(layout, orderer.name, 'orderer');
    adoptRenewedEnrollment(layout, orgKey, orderer.name);
    await startOrderer(layout, bin, topology, orderer);
    await untilEveryConsenterActive(ctx, orderer, `${orderer.name} back in the Raft cluster`, progress);
  }
  for (const peer of peers) {
    progress(`${peer.name}: restarting with it`);
    await stopNode(layout, peer.name, 'peer');
    adoptRenewedEnrollment(layout, orgKey, peer.name);
    await startPeer(layout, bin, topology, peer);
  }
  // The admin, the gatekeeper and the other identities sign from files their processes read when they start.
  if (services !== undefined) {
    progress(`stopping ${orgKey}'s gatekeeper, API and miner`);
    await services.stop();
  }
  for (const name of names.filter((n) => !nodes.has(n))) adoptRenewedEnrollment(layout, orgKey, name);
  ca.adoptRenewedRegistrar();
  const identities = ['CA admin', ...names];
  if (services === undefined) return { identities };
  progress(`starting ${orgKey}'s gatekeeper, API and miner with the new certificates`);
  await services.start();
  progress(`the users in ${orgKey}'s API wallet: new certificates from ${org.ca.name}`);
  return { identities, wallet: await services.renewWallet(progress) };
}
