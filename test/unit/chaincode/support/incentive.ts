import { call } from './client';
import { attestationOf, type ClaimBody } from './endorsement';
import type { FakeIdentity, FakePeer } from './fake-peer';
import { H1, H2, RES, who } from './world';

/** The admin of each organisation of the seeded world: the identity its miner signs with. */
export const ADMIN_OF: Readonly<Record<string, FakeIdentity>> = { [H1]: who.adm1, [H2]: who.adm2, [RES]: who.admR };

export interface ClaimView {
  txId: string;
  mspId: string;
  status: 'pending' | 'paid';
  attestedBy: string[];
  claimNumber?: string;
  reward?: string;
  paidTxId?: string;
}

export interface AttestView {
  mspId: string;
  organisations: number;
  required: number;
  claims: ClaimView[];
  paid: number;
  minted: string;
}

/** `attester` attests the claims, as its miner would after finding them in its own peer's block. */
export async function attest(peer: FakePeer, attester: FakeIdentity, claims: ClaimBody[]): Promise<AttestView> {
  return call<AttestView>(peer, attester, 'Incentive:AttestClaims', [{ attestations: claims.map(attestationOf) }]);
}

/**
 * `claimant` claims, then the admins of every other organisation of the seeded world attest (with three
 * organisations both others are the majority): the claims are paid. Returns the last attestation's result.
 */
export async function claimAndPay(peer: FakePeer, claimant: FakeIdentity, claims: ClaimBody[]): Promise<AttestView> {
  await call(peer, claimant, 'Incentive:ClaimEndorsements', [{ claims }]);
  let last: AttestView | undefined;
  for (const [mspId, admin] of Object.entries(ADMIN_OF)) {
    if (mspId !== claimant.getMSPID()) last = await attest(peer, admin, claims);
  }
  if (last === undefined) throw new Error('no other organisation to attest');
  return last;
}
