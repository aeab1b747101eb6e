import './support/quiet-logs';
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { parseDerSignature } from '../../../chaincode/src/incentive/endorsement';
import { rewardFor, supplyCap } from '../../../chaincode/src/incentive/incentive-contract';
import { call, callFails } from './support/client';
import { issueLeaf, orgPki } from './support/certs';
import {
  auditKeyOf,
  claimFor,
  encodeDer,
  endorse,
  peerSign,
  proposalResponsePayload,
  serializedIdentity,
  type ClaimBody,
  type Endorser,
} from './support/endorsement';
import type { FakeIdentity, FakePeer } from './support/fake-peer';
import { H1, H2, RES, freshPeer, who } from './support/world';

const h1Peer: Endorser = { mspId: H1, ...orgPki(H1).peer };
const h2Peer: Endorser = { mspId: H2, ...orgPki(H2).peer };

interface ClaimResult {
  mspId: string;
  earned: string;
  balance: string;
  claims: { txId: string; reward: string; claimNumber: string; endorserCertSha256: string }[];
}

interface Schedule {
  claims: string;
  minted: string;
  cap: string;
  currentReward: string;
  era: string;
}

async function initialised(parameters = { initialReward: '50', halvingInterval: '10' }): Promise<FakePeer> {
  const { peer } = await freshPeer();
  await call(peer, who.adm1, 'Incentive:Initialize', [parameters]);
  return peer;
}

let participantCounter = 0;

/** A committed MedRec business transaction (a participant registration); returns its txId. */
async function businessTx(peer: FakePeer): Promise<string> {
  participantCounter += 1;
  const id = `n${participantCounter}`;
  const outcome = await peer.invoke(who.reg1, 'Registrar:RegisterParticipant', [
    JSON.stringify({ participantId: id, role: 'patient', enrollmentId: id }),
  ]);
  expect(outcome.ok, outcome.message).to.equal(true);
  return outcome.txId;
}

async function claim(peer: FakePeer, claims: ClaimBody[], admin: FakeIdentity = who.adm1): Promise<ClaimResult> {
  return call<ClaimResult>(peer, admin, 'Incentive:ClaimEndorsements', [{ claims }]);
}

/** Asserts the claim is refused with `code` and that the ledger did not change. */
async function refused(peer: FakePeer, claims: ClaimBody[], code: string, admin = who.adm1): Promise<string> {
  const before = peer.ledger.snapshot();
  const error = await callFails(peer, admin, 'Incentive:ClaimEndorsements', [{ claims }]);
  expect([error.code, error.detail]).to.have.property('0', code);
  expect(peer.ledger.snapshot(), 'a refused claim writes nothing').to.equal(before);
  return error.detail;
}

function flipByte(base64: string, at: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('Incentive: endorsement claims', () => {
  it('credits a verified endorsement of a committed business transaction', async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    const outcome = await peer.invoke(who.adm1, 'Incentive:ClaimEndorsements', [
      JSON.stringify({ claims: [endorse(peer.ledger, txId, h1Peer)] }),
    ]);
    expect(outcome.message).to.equal('');
    expect(outcome.eventCalls.map((event) => event.name)).to.deep.equal(['EndorsementsClaimed']);
    const result = JSON.parse(outcome.payload) as ClaimResult;
    expect(result).to.deep.include({ mspId: H1, earned: '50', balance: '50' });
    expect(result.claims[0]).to.include({ txId, reward: '50', claimNumber: '0' });
    expect(await call(peer, who.p1, 'Incentive:GetBalance', [{ kind: 'organisation', mspId: H1 }])).to.include({
      amount: '50',
    });
    expect(await call(peer, who.p1, 'Incentive:GetSchedule')).to.include({
      claims: '1',
      minted: '50',
      currentReward: '50',
      cap: String(10 * (50 + 25 + 12 + 6 + 3 + 1)),
    });
    // Each organisation may claim the same transaction once, for its own peer's endorsement.
    const h2 = await claim(peer, [endorse(peer.ledger, txId, h2Peer)], who.adm2);
    expect(h2).to.include({ mspId: H2, earned: '50' });
  });

  it('refuses a forged signature and a high-S signature', async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    const good = endorse(peer.ledger, txId, h1Peer);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = claimFor(txId, { ...h1Peer, privateKey }, Buffer.from(good.proposalResponsePayload, 'base64'));
    expect(await refused(peer, [forged], 'MEDREC_BAD_SIGNATURE')).to.contain('invalid');
    const payload = Buffer.from(good.proposalResponsePayload, 'base64');
    const identity = Buffer.from(good.endorserIdentity, 'base64');
    const highS = { ...good, signature: peerSign(h1Peer.privateKey, payload, identity, 'high').toString('base64') };
    expect(await refused(peer, [highS], 'MEDREC_BAD_SIGNATURE')).to.contain('high-s');
    const garbage = { ...good, signature: Buffer.from('not a DER signature').toString('base64') };
    expect(await refused(peer, [garbage], 'MEDREC_BAD_SIGNATURE')).to.contain('malformed');
    // One bad claim rejects the whole batch, good ones included.
    const other = endorse(peer.ledger, await businessTx(peer), h1Peer);
    await refused(peer, [other, forged], 'MEDREC_BAD_SIGNATURE');
    expect((await claim(peer, [good, other])).earned).to.equal('100');
  });

  it("refuses another organisation's endorsement, a foreign certificate and a non-peer certificate", async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    expect(await refused(peer, [endorse(peer.ledger, txId, h2Peer)], 'MEDREC_WRONG_ORGANISATION')).to.contain(
      `belongs to ${H2}`,
    );
    // H2's peer certificate presented under H1's MSP id: does not chain to H1's roots.
    const disguised = endorse(peer.ledger, txId, { ...h2Peer, mspId: H1 });
    expect(await refused(peer, [disguised], 'MEDREC_WRONG_ORGANISATION')).to.contain('not issued by a CA root');
    const client = endorse(peer.ledger, txId, { mspId: H1, ...orgPki(H1).client });
    await refused(peer, [client], 'MEDREC_NOT_A_PEER');
    // The research organisation is registered but did not endorse with H1's keys either.
    await refused(peer, [endorse(peer.ledger, txId, h1Peer)], 'MEDREC_WRONG_ORGANISATION', who.admR);
    expect(RES).to.equal('ResearchMSP');
  });

  it('refuses an endorsement of an invalidated transaction', async () => {
    const peer = await initialised();
    // A transaction that failed: its txId exists, its effects (and audit event) never reached the state.
    const failed = await peer.invoke(who.reg1, 'Registrar:RegisterParticipant', [
      JSON.stringify({ participantId: 'p1', role: 'patient', enrollmentId: 'someone-else' }),
    ]);
    expect(failed.ok).to.equal(false);
    const auditValue = Buffer.from(JSON.stringify({ txId: failed.txId }));
    const payload = proposalResponsePayload(failed.txId, [{ key: auditKeyOf(failed.txId), value: auditValue }]);
    await refused(peer, [claimFor(failed.txId, h1Peer, payload)], 'MEDREC_NOT_COMMITTED');
  });

  it("refuses an endorser certificate outside its validity period at the transaction's ledger time", async () => {
    const peer = await initialised();
    // Valid from now for one day; the fake ledger's time is years later, so it had expired when this was endorsed.
    const shortLived = { mspId: H1, ...issueLeaf(orgPki(H1).ca, `/C=US/O=${H1}/OU=peer/CN=peer9.${H1}`, 1) };
    const txId = await businessTx(peer);
    const detail = await refused(peer, [endorse(peer.ledger, txId, shortLived)], 'MEDREC_CERTIFICATE_NOT_VALID');
    expect(detail).to.contain(`when transaction ${txId} was endorsed`);
    // A transaction dated before the certificate was issued: not yet valid then.
    participantCounter += 1;
    const early = await peer.invoke(
      who.reg1,
      'Registrar:RegisterParticipant',
      [
        JSON.stringify({
          participantId: `n${participantCounter}`,
          role: 'patient',
          enrollmentId: `e${participantCounter}`,
        }),
      ],
      Date.parse('2020-01-01T00:00:00.000Z'),
    );
    expect(early.ok, early.message).to.equal(true);
    await refused(peer, [endorse(peer.ledger, early.txId, h1Peer)], 'MEDREC_CERTIFICATE_NOT_VALID');
    // The same long-lived certificate is accepted for a transaction inside its validity period.
    expect((await claim(peer, [endorse(peer.ledger, txId, h1Peer)])).earned).to.equal('50');
  });

  it('refuses a replayed claim, in a later transaction or in the same batch', async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    const endorsement = endorse(peer.ledger, txId, h1Peer);
    await refused(peer, [endorsement, endorsement], 'MEDREC_ALREADY_CLAIMED');
    await claim(peer, [endorsement]);
    await refused(peer, [endorsement], 'MEDREC_ALREADY_CLAIMED');
    // A second peer certificate of the same organisation earns nothing more for the same transaction.
    const secondPeer = { mspId: H1, ...issueLeaf(orgPki(H1).ca, `/C=US/O=${H1}/OU=peer/CN=peer1.${H1}`) };
    await refused(peer, [endorse(peer.ledger, txId, secondPeer)], 'MEDREC_ALREADY_CLAIMED');
  });

  it('refuses a tampered payload', async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    const otherTx = await businessTx(peer);
    const good = endorse(peer.ledger, txId, h1Peer);
    const payloadBytes = Buffer.from(good.proposalResponsePayload, 'base64');
    const tampered = {
      ...good,
      proposalResponsePayload: flipByte(good.proposalResponsePayload, payloadBytes.length - 3),
    };
    await refused(peer, [tampered], 'MEDREC_BAD_SIGNATURE');
    // Properly signed, but for another transaction's writes.
    const wrongTx = claimFor(
      txId,
      h1Peer,
      Buffer.from(endorse(peer.ledger, otherTx, h1Peer).proposalResponsePayload, 'base64'),
    );
    expect(await refused(peer, [wrongTx], 'MEDREC_PAYLOAD_MISMATCH')).to.contain('does not write the audit event');
    // Properly signed, the right key, but not the committed audit event.
    const altered = proposalResponsePayload(txId, [{ key: auditKeyOf(txId), value: Buffer.from('{"forged":true}') }]);
    expect(await refused(peer, [claimFor(txId, h1Peer, altered)], 'MEDREC_PAYLOAD_MISMATCH')).to.contain('differs');
    const notAPayload = claimFor(txId, h1Peer, Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(await refused(peer, [notAPayload], 'MEDREC_PAYLOAD_MISMATCH')).to.contain('not a chaincode proposal');
    const badIdentity = { ...good, endorserIdentity: Buffer.from([0xff, 0xff, 0xff, 0xff]).toString('base64') };
    await refused(peer, [badIdentity], 'MEDREC_INVALID_ARGUMENT');
    const noCert = { ...good, endorserIdentity: serializedIdentity(H1, 'not a certificate').toString('base64') };
    await refused(peer, [noCert], 'MEDREC_INVALID_ARGUMENT');
  });

  it('never pays for the incentive layer’s own transactions', async () => {
    const peer = await initialised();
    const first = await claim(peer, [endorse(peer.ledger, await businessTx(peer), h1Peer)]);
    const claimTx = peer.ledger.events.at(-1)!.txId;
    expect(first.earned).to.equal('50');
    await refused(peer, [endorse(peer.ledger, claimTx, h1Peer)], 'MEDREC_NOT_CLAIMABLE');
    const transfer = await peer.invoke(who.adm1, 'Incentive:Transfer', [
      JSON.stringify({ to: { kind: 'organisation', mspId: H2 }, amount: '1' }),
    ]);
    expect(transfer.ok).to.equal(true);
    await refused(peer, [endorse(peer.ledger, transfer.txId, h1Peer)], 'MEDREC_NOT_CLAIMABLE');
    const init = peer.ledger.events.find((event) => event.name === 'IncentiveInitialized')!;
    await refused(peer, [endorse(peer.ledger, init.txId, h1Peer)], 'MEDREC_NOT_CLAIMABLE');
  });

  it('needs the schedule, sets it once, bounds the batch', async () => {
    const { peer } = await freshPeer();
    const txId = await businessTx(peer);
    expect((await callFails(peer, who.adm1, 'Incentive:GetSchedule')).code).to.equal('MEDREC_NOT_FOUND');
    await refused(peer, [endorse(peer.ledger, txId, h1Peer)], 'MEDREC_NOT_FOUND');
    await call(peer, who.adm1, 'Incentive:Initialize', [{ initialReward: '8', halvingInterval: '2' }]);
    const again = await callFails(peer, who.adm2, 'Incentive:Initialize', [
      { initialReward: '8', halvingInterval: '2' },
    ]);
    expect(again.code).to.equal('MEDREC_CONFLICT');
    for (const parameters of [
      { initialReward: '0', halvingInterval: '2' },
      { initialReward: '1.5', halvingInterval: '2' },
      { initialReward: '8', halvingInterval: '-1' },
      { initialReward: 8, halvingInterval: '2' },
    ]) {
      expect((await callFails(peer, who.adm1, 'Incentive:Initialize', [parameters])).code).to.equal(
        'MEDREC_INVALID_ARGUMENT',
      );
    }
    const endorsement = endorse(peer.ledger, txId, h1Peer);
    const tooMany = Array.from({ length: 21 }, () => endorsement);
    await refused(peer, tooMany, 'MEDREC_INVALID_ARGUMENT');
    await refused(peer, [], 'MEDREC_INVALID_ARGUMENT');
  });
});

describe('Incentive: halving schedule and supply cap', () => {
  it('pays initialReward >> floor(n / H) per claim, exactly, and never exceeds the cap', async () => {
    const peer = await initialised({ initialReward: '5', halvingInterval: '3' });
    const txIds: string[] = [];
    for (let i = 0; i < 14; i += 1) {
      txIds.push(await businessTx(peer));
    }
    const rewards: string[] = [];
    const cap = 3n * (5n + 2n + 1n);
    // Both hospitals claim every transaction, in batches: 28 claims, well past the last era.
    for (const [admin, endorser] of [
      [who.adm1, h1Peer],
      [who.adm2, h2Peer],
    ] as const) {
      for (let start = 0; start < txIds.length; start += 5) {
        const batch = txIds.slice(start, start + 5).map((txId) => endorse(peer.ledger, txId, endorser));
        const result = await claim(peer, batch, admin);
        rewards.push(...result.claims.map((record) => record.reward));
        const schedule = await call<Schedule>(peer, who.p1, 'Incentive:GetSchedule');
        expect(BigInt(schedule.minted) <= cap, `minted ${schedule.minted}`).to.equal(true);
      }
    }
    expect(rewards).to.deep.equal([
      ...['5', '5', '5', '2', '2', '2', '1', '1', '1'],
      ...Array.from({ length: 19 }, () => '0'),
    ]);
    const schedule = await call<Schedule>(peer, who.p1, 'Incentive:GetSchedule');
    expect(schedule).to.include({ claims: '28', minted: '24', cap: '24', currentReward: '0', era: '9' });
    const h1 = await call(peer, who.p1, 'Incentive:GetBalance', [{ kind: 'organisation', mspId: H1 }]);
    const h2 = await call(peer, who.p1, 'Incentive:GetBalance', [{ kind: 'organisation', mspId: H2 }]);
    expect(BigInt(h1.amount as string) + BigInt(h2.amount as string)).to.equal(24n);
    expect(h1.amount).to.equal('24');
  });

  it('computes rewards and caps with integers only, for huge parameters too', () => {
    const big = { initialReward: '1' + '0'.repeat(37), halvingInterval: '999999999999' };
    expect(rewardFor(big, 0n).toString()).to.equal(big.initialReward);
    expect(rewardFor(big, 999_999_999_999n).toString()).to.equal('5' + '0'.repeat(36));
    expect(rewardFor(big, 10n ** 20n)).to.equal(0n);
    expect(supplyCap(big) < 2n * BigInt(big.initialReward) * BigInt(big.halvingInterval)).to.equal(true);
    expect(supplyCap({ initialReward: '1', halvingInterval: '7' })).to.equal(7n);
  });

  it('parses only strict DER signatures', () => {
    expect(parseDerSignature(encodeDer(5n, 7n))).to.deep.equal({ r: 5n, s: 7n });
    expect(parseDerSignature(encodeDer(2n ** 255n, 2n ** 255n))).to.deep.equal({ r: 2n ** 255n, s: 2n ** 255n });
    const valid = encodeDer(5n, 7n);
    expect(parseDerSignature(Buffer.concat([valid, Buffer.from([0])]))).to.equal(undefined);
    expect(parseDerSignature(Buffer.from([0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x07]))).to.equal(undefined);
    expect(parseDerSignature(Buffer.from([0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x07]))).to.equal(undefined);
    expect(parseDerSignature(Buffer.from([0x30, 0x06, 0x03, 0x01, 0x05, 0x02, 0x01, 0x07]))).to.equal(undefined);
    expect(parseDerSignature(Buffer.from([0x30, 0x86, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]))).to.equal(undefined);
    expect(parseDerSignature(Buffer.from([0x30, 0x06, 0x02, 0x00, 0x02, 0x01, 0x07, 0x00]))).to.equal(undefined);
  });
});

describe('Incentive: balances and transfers', () => {
  it('moves credits to organisations and researchers, with history', async () => {
    const peer = await initialised();
    await claim(peer, [endorse(peer.ledger, await businessTx(peer), h1Peer)]);
    const toH2 = await call(peer, who.adm1, 'Incentive:Transfer', [
      { to: { kind: 'organisation', mspId: H2 }, amount: '20' },
    ]);
    expect(toH2).to.include({ amount: '20', transferredBy: 'adm1' });
    await call(peer, who.adm1, 'Incentive:Transfer', [
      { to: { kind: 'participant', participantId: 'r1' }, amount: '30' },
    ]);
    const balance = async (holder: object): Promise<unknown> =>
      (await call(peer, who.p1, 'Incentive:GetBalance', [holder])).amount;
    expect(await balance({ kind: 'organisation', mspId: H1 })).to.equal('0');
    expect(await balance({ kind: 'organisation', mspId: H2 })).to.equal('20');
    expect(await balance({ kind: 'participant', participantId: 'r1' })).to.equal('30');
    expect(await balance({ kind: 'organisation', mspId: RES })).to.equal('0');
    const page = await call<{ items: { amount: string }[]; bookmark: string }>(peer, who.p1, 'Incentive:GetTransfers', [
      { holder: { kind: 'organisation', mspId: H1 }, pageSize: 1 },
    ]);
    const next = await call<{ items: { amount: string }[]; bookmark: string }>(peer, who.p1, 'Incentive:GetTransfers', [
      { holder: { kind: 'organisation', mspId: H1 }, pageSize: 1, bookmark: page.bookmark },
    ]);
    expect([...page.items, ...next.items].map((t) => t.amount)).to.deep.equal(['20', '30']);
    const r1 = await call<{ items: unknown[] }>(peer, who.r1, 'Incentive:GetTransfers', [
      { holder: { kind: 'participant', participantId: 'r1' } },
    ]);
    expect(r1.items).to.have.length(1);
  });

  it('refuses overdrafts, self-transfers and unknown or non-researcher recipients, writing nothing', async () => {
    const peer = await initialised();
    await claim(peer, [endorse(peer.ledger, await businessTx(peer), h1Peer)]);
    const cases: [object, string][] = [
      [{ to: { kind: 'organisation', mspId: H2 }, amount: '51' }, 'MEDREC_INSUFFICIENT_FUNDS'],
      [{ to: { kind: 'organisation', mspId: H1 }, amount: '1' }, 'MEDREC_INVALID_ARGUMENT'],
      [{ to: { kind: 'organisation', mspId: 'NoSuchMSP' }, amount: '1' }, 'MEDREC_INVALID_ARGUMENT'],
      [{ to: { kind: 'participant', participantId: 'c1' }, amount: '1' }, 'MEDREC_INVALID_ARGUMENT'],
      [{ to: { kind: 'participant', participantId: 'r1' }, amount: '0' }, 'MEDREC_INVALID_ARGUMENT'],
      [{ to: { kind: 'participant', participantId: 'r1' }, amount: '1.5' }, 'MEDREC_INVALID_ARGUMENT'],
    ];
    for (const [body, code] of cases) {
      const before = peer.ledger.snapshot();
      expect((await callFails(peer, who.adm1, 'Incentive:Transfer', [body])).code, JSON.stringify(body)).to.equal(code);
      expect(peer.ledger.snapshot()).to.equal(before);
    }
    expect(
      (
        await callFails(peer, who.adm2, 'Incentive:Transfer', [
          { to: { kind: 'organisation', mspId: H1 }, amount: '1' },
        ])
      ).code,
    ).to.equal('MEDREC_INSUFFICIENT_FUNDS');
  });
});
