import { FakePeer, identity, type FakeIdentity } from './fake-peer';
import { call } from './client';
import { orgPki } from './certs';
import { Ledger } from './ledger';

export const H1 = 'Hospital1MSP';
export const H2 = 'Hospital2MSP';
export const RES = 'ResearchMSP';

export const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
export const HASH_A = 'a'.repeat(64);
export const HASH_B = 'b'.repeat(64);

export const T0 = Date.parse('2030-01-01T00:00:00.000Z');
export const DAY = 24 * 3600 * 1000;

/** Everyone in the seeded consortium; "other" identities are the wrong subject for object-level checks. */
export const who = {
  // Admins carry real certificates issued by their organisation's CA: RegisterOrganisation checks the chain.
  adm1: identity(H1, 'admin', 'adm1', orgPki(H1).admin.certPem),
  adm2: identity(H2, 'admin', 'adm2', orgPki(H2).admin.certPem),
  admR: identity(RES, 'admin', 'admR', orgPki(RES).admin.certPem),
  reg1: identity(H1, 'registrar', 'reg1'),
  reg2: identity(H2, 'registrar', 'reg2'),
  regR: identity(RES, 'registrar', 'regR'),
  p1: identity(H1, 'patient', 'p1'),
  p2: identity(H1, 'patient', 'p2'),
  g1: identity(H1, 'patient', 'g1'),
  c1: identity(H1, 'clinician', 'c1'),
  c2: identity(H2, 'clinician', 'c2'),
  gk1: identity(H1, 'gatekeeper', 'gk1'),
  gk2: identity(H2, 'gatekeeper', 'gk2'),
  co1: identity(H1, 'compliance', 'co1'),
  co2: identity(H2, 'compliance', 'co2'),
  r1: identity(RES, 'researcher', 'r1'),
} satisfies Record<string, FakeIdentity>;

export function orgBody(mspId: string): object {
  return {
    mspId,
    displayName: `${mspId} display`,
    gatekeeperUrl: `https://gatekeeper.${mspId.toLowerCase()}.example:8443`,
    caRootCertsPem: [orgPki(mspId).ca.certPem],
  };
}

export function consentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    consentId: 'consent-c2',
    patientId: 'p1',
    grantee: { kind: 'participant', participantId: 'c2' },
    scope: { custodians: [H1] },
    purposes: ['TREAT'],
    period: { notBefore: '2029-12-01T00:00:00.000Z', notAfter: '2030-06-01T00:00:00.000Z' },
    ...overrides,
  };
}

export interface World {
  ledger: Ledger;
  /** A ticket that permits c2 to read rec1 (via consent-c2). */
  permitTicketId: string;
  /** A pending break-glass ticket by c2 on rec1. */
  breakGlassTicketId: string;
  /** A (denied) ticket requested by r1. */
  researcherTicketId: string;
  /** An audit event about p1 (rec1's registration). */
  p1EventTxId: string;
}

let seeded: World | undefined;

/**
 * Three organisations, one participant per role, a record of p1 at H1, a delegate g1 for p1, a consent for c2,
 * a consent for H1... researchers, tickets. Built once through real transactions; each test gets a clone.
 */
export async function seedWorld(): Promise<World> {
  if (seeded !== undefined) {
    return seeded;
  }
  const peer = new FakePeer();
  peer.ledger.clockMs = T0 - 60 * DAY;
  for (const [admin, msp] of [
    [who.adm1, H1],
    [who.adm2, H2],
    [who.admR, RES],
  ] as const) {
    await call(peer, admin, 'Registrar:RegisterOrganisation', [orgBody(msp)]);
  }
  const register = async (admin: FakeIdentity, participantId: string, role: string): Promise<void> => {
    await call(peer, admin, 'Registrar:RegisterParticipant', [{ participantId, role, enrollmentId: participantId }]);
  };
  await register(who.adm1, 'reg1', 'registrar');
  await register(who.adm2, 'reg2', 'registrar');
  await register(who.admR, 'regR', 'registrar');
  for (const id of ['p1', 'p2', 'g1']) {
    await register(who.reg1, id, 'patient');
  }
  await register(who.reg1, 'c1', 'clinician');
  await register(who.reg2, 'c2', 'clinician');
  await register(who.adm1, 'gk1', 'gatekeeper');
  await register(who.adm2, 'gk2', 'gatekeeper');
  await register(who.reg1, 'co1', 'compliance');
  await register(who.reg2, 'co2', 'compliance');
  await register(who.regR, 'r1', 'researcher');
  const rec1 = {
    recordId: 'rec1',
    patientId: 'p1',
    category: 'laboratory',
    contentHash: HASH_A,
    locator: 'urn:h1:rec1',
  };
  // As `network up` does: the consent index by grantee is complete before any consent exists.
  await call(peer, who.adm1, 'Consent:IndexGrantees', []);
  const rec1Tx = await peer.invoke(who.c1, 'Records:RegisterRecord', [JSON.stringify(rec1)]);
  await call(peer, who.p1, 'Consent:AddDelegate', ['p1', 'g1']);
  await call(peer, who.p1, 'Consent:GrantConsent', [consentBody()]);
  await call(peer, who.p1, 'Consent:GrantConsent', [
    consentBody({
      consentId: 'consent-research',
      grantee: { kind: 'role', role: 'researcher', mspId: RES },
      purposes: ['HRESCH'],
    }),
  ]);
  peer.ledger.clockMs = T0;
  const permit = await call<{ ticketId: string }>(peer, who.c2, 'Access:RequestAccess', [
    { recordId: 'rec1', purpose: 'TREAT' },
  ]);
  const breakGlass = await call<{ ticketId: string }>(peer, who.c2, 'Access:BreakGlass', [
    { recordId: 'rec1', reason: 'patient-unconscious', durationMinutes: 60 },
  ]);
  const research = await call<{ ticketId: string }>(peer, who.r1, 'Access:RequestAccess', [
    { recordId: 'rec1', purpose: 'TREAT' },
  ]);
  seeded = {
    ledger: peer.ledger,
    permitTicketId: permit.ticketId,
    breakGlassTicketId: breakGlass.ticketId,
    researcherTicketId: research.ticketId,
    p1EventTxId: rec1Tx.txId,
  };
  return seeded;
}

/** A fresh peer over a copy of the seeded ledger, its clock at T0 + 1 minute. */
export async function freshPeer(): Promise<{ peer: FakePeer; world: World }> {
  const world = await seedWorld();
  const peer = new FakePeer(world.ledger.clone());
  peer.ledger.clockMs = T0 + 60_000;
  return { peer, world };
}
