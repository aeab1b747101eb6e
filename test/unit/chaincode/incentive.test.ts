import './support/quiet-logs';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { INCENTIVE_AUDIT_TYPES } from '../../../contract/src/audit';
import { parseDerSignature } from '../../../chaincode/src/incentive/endorsement';
import { rewardFor, supplyCap } from '../../../chaincode/src/incentive/incentive-contract';
import {
  MAX_HALVING_INTERVAL_DIGITS,
  MAX_INITIAL_REWARD_DIGITS,
  attestationsRequired,
} from '../../../contract/src/incentive';
import { proposalIdOf } from '../../../chaincode/src/incentive/schedule-vote';
import { ChaincodeError, call, callFails } from './support/client';
import { issueLeaf, orgPki } from './support/certs';
import {
  attestationOf,
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
import { INCENTIVE_AUDIT_TYPES as MINER_SKIPS } from '../../../network/src/miner/endorsement-extractor';
import { identity, type FakeIdentity, type FakePeer } from './support/fake-peer';
import { attest, claimAndPay, type AttestView, type ClaimView } from './support/incentive';
import { H1, H2, RES, freshPeer, orgBody, who } from './support/world';

const h1Peer: Endorser = { mspId: H1, ...orgPki(H1).peer };
const h2Peer: Endorser = { mspId: H2, ...orgPki(H2).peer };

interface ClaimResult {
  mspId: string;
  organisations: number;
  required: number;
  claims: (ClaimView & { endorserCertSha256: string; signatureSha256: string })[];
}

interface Schedule {
  claims: string;
  minted: string;
  cap: string;
  currentReward: string;
  era: string;
}

/** The consortium (two of three organisations' admins) approves identical parameters: the schedule takes effect. */
async function setSchedule(peer: FakePeer, parameters: object): Promise<void> {
  await call(peer, who.adm1, 'Incentive:ProposeSchedule', [parameters]);
  await call(peer, who.adm2, 'Incentive:ProposeSchedule', [parameters]);
}

async function initialised(parameters = { initialReward: '50', halvingInterval: '10' }): Promise<FakePeer> {
  const { peer } = await freshPeer();
  await setSchedule(peer, parameters);
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
  it('records a verified endorsement of a committed business transaction as pending, paying nothing', async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    const outcome = await peer.invoke(who.adm1, 'Incentive:ClaimEndorsements', [
      JSON.stringify({ claims: [endorse(peer.ledger, txId, h1Peer)] }),
    ]);
    expect(outcome.message).to.equal('');
    expect(outcome.eventCalls.map((event) => event.name)).to.deep.equal(['EndorsementsClaimed']);
    const result = JSON.parse(outcome.payload) as ClaimResult;
    // Three organisations registered: the two others must attest before anything is paid.
    expect(result).to.deep.include({ mspId: H1, organisations: 3, required: 2 });
    expect(result.claims[0]).to.deep.include({ txId, mspId: H1, status: 'pending', attestedBy: [] });
    expect(result.claims[0]).to.not.have.any.keys('claimNumber', 'reward');
    expect(await call(peer, who.p1, 'Incentive:GetBalance', [{ kind: 'organisation', mspId: H1 }])).to.include({
      amount: '0',
    });
    expect(await call(peer, who.p1, 'Incentive:GetSchedule')).to.include({
      claims: '0',
      minted: '0',
      currentReward: '50',
      cap: String(10 * (50 + 25 + 12 + 6 + 3 + 1)),
    });
    // Each organisation may claim the same transaction once, for its own peer's endorsement.
    const h2 = await claim(peer, [endorse(peer.ledger, txId, h2Peer)], who.adm2);
    expect(h2.claims.map((record) => [record.mspId, record.status])).to.deep.equal([[H2, 'pending']]);
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
    expect((await claim(peer, [good, other])).claims.map((record) => record.status)).to.deep.equal([
      'pending',
      'pending',
    ]);
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
    expect((await claim(peer, [endorse(peer.ledger, txId, h1Peer)])).claims).to.have.length(1);
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
    const first = endorse(peer.ledger, await businessTx(peer), h1Peer);
    await claim(peer, [first]);
    const claimTx = peer.ledger.events.at(-1)!.txId;
    await refused(peer, [endorse(peer.ledger, claimTx, h1Peer)], 'MEDREC_NOT_CLAIMABLE');
    const paid = await attest(peer, who.adm2, [first]);
    const attestTx = peer.ledger.events.at(-1)!;
    expect([attestTx.name, paid.paid]).to.deep.equal(['EndorsementsAttested', 0]);
    expect((await attest(peer, who.admR, [first])).minted).to.equal('50');
    // Attestations are incentive transactions too: the attesters' own peers endorsed them, yet they earn nothing.
    await refused(peer, [endorse(peer.ledger, attestTx.txId, h2Peer)], 'MEDREC_NOT_CLAIMABLE', who.adm2);
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
    await setSchedule(peer, { initialReward: '8', halvingInterval: '2' });
    const again = await callFails(peer, who.admR, 'Incentive:ProposeSchedule', [
      { initialReward: '8', halvingInterval: '2' },
    ]);
    expect(again.code).to.equal('MEDREC_CONFLICT');
    const endorsement = endorse(peer.ledger, txId, h1Peer);
    const tooMany = Array.from({ length: 21 }, () => endorsement);
    await refused(peer, tooMany, 'MEDREC_INVALID_ARGUMENT');
    await refused(peer, [], 'MEDREC_INVALID_ARGUMENT');
  });
});

interface PendingPage {
  items: ClaimView[];
  bookmark: string;
}

async function pendingClaims(peer: FakePeer, query: object = {}, admin = who.admR): Promise<PendingPage> {
  return call<PendingPage>(peer, admin, 'Incentive:ListPendingClaims', [query]);
}

/** Asserts the attestation is refused with `code` and that the ledger did not change. */
async function attestRefused(
  peer: FakePeer,
  attester: FakeIdentity,
  attestations: object[],
  code: string,
): Promise<string> {
  const before = peer.ledger.snapshot();
  const error = await callFails(peer, attester, 'Incentive:AttestClaims', [{ attestations }]);
  expect([error.code, error.detail]).to.have.property('0', code);
  expect(peer.ledger.snapshot(), 'a refused attestation writes nothing').to.equal(before);
  return error.detail;
}

async function balanceOf(peer: FakePeer, mspId: string): Promise<string> {
  return (await call<{ amount: string }>(peer, who.p1, 'Incentive:GetBalance', [{ kind: 'organisation', mspId }]))
    .amount;
}

describe('Incentive: claims are paid only once a majority of the other organisations attest them', () => {
  it('requires a strict majority of the other organisations: floor((n - 1) / 2) + 1', () => {
    // n registered -> n - 1 others -> attestations needed (1 organisation: nobody can attest, nothing is paid).
    expect([1, 2, 3, 4, 5, 6, 7, 64].map(attestationsRequired)).to.deep.equal([1, 1, 2, 2, 3, 3, 4, 32]);
  });

  it("counts another organisation's attestation, pays with the majority, then drops the claim from the queue", async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    const endorsement = endorse(peer.ledger, txId, h1Peer);
    await claim(peer, [endorsement]);
    expect((await pendingClaims(peer)).items.map((c) => [c.txId, c.mspId, c.attestedBy])).to.deep.equal([
      [txId, H1, []],
    ]);

    // One of the two other organisations: counted, nothing paid yet, the schedule untouched.
    const first = await peer.invoke(who.adm2, 'Incentive:AttestClaims', [
      JSON.stringify({ attestations: [attestationOf(endorsement)] }),
    ]);
    expect(first.message).to.equal('');
    expect(first.eventCalls.map((event) => event.name)).to.deep.equal(['EndorsementsAttested']);
    const counted = JSON.parse(first.payload) as AttestView;
    expect(counted).to.deep.include({ mspId: H2, organisations: 3, required: 2, paid: 0, minted: '0' });
    expect(counted.claims[0]).to.deep.include({ txId, mspId: H1, status: 'pending', attestedBy: [H2] });
    expect(await balanceOf(peer, H1)).to.equal('0');
    expect(await call(peer, who.p1, 'Incentive:GetSchedule')).to.include({ claims: '0', minted: '0' });
    expect((await pendingClaims(peer)).items.map((c) => c.attestedBy)).to.deep.equal([[H2]]);

    // The second: the majority of the others. Paid in this transaction with claim number 0 and its reward.
    const second = await peer.invoke(who.admR, 'Incentive:AttestClaims', [
      JSON.stringify({ attestations: [attestationOf(endorsement)] }),
    ]);
    expect(second.message).to.equal('');
    const paid = JSON.parse(second.payload) as AttestView;
    expect(paid).to.deep.include({ mspId: RES, paid: 1, minted: '50' });
    expect(paid.claims[0]).to.deep.include({
      status: 'paid',
      attestedBy: [H2, RES],
      claimNumber: '0',
      reward: '50',
      paidTxId: second.txId,
    });
    expect(await balanceOf(peer, H1)).to.equal('50');
    expect(await balanceOf(peer, H2)).to.equal('0');
    expect(await call(peer, who.p1, 'Incentive:GetSchedule')).to.include({ claims: '1', minted: '50' });
    expect((await pendingClaims(peer)).items).to.deep.equal([]);
    const pendingKeys = [...peer.ledger.state.keys()].filter((k) => k.includes('medrec.pending-claim'));
    expect(pendingKeys, 'the pending index holds pending claims only').to.deep.equal([]);
    // A paid claim is not claimable again, and the attestations paid nothing to the attesters.
    await refused(peer, [endorsement], 'MEDREC_ALREADY_CLAIMED');
    expect(await balanceOf(peer, RES)).to.equal('0');
  });

  it("refuses an attestation by the claimant's own organisation, whatever its admin", async () => {
    const peer = await initialised();
    const endorsement = endorse(peer.ledger, await businessTx(peer), h1Peer);
    await claim(peer, [endorsement]);
    const detail = await attestRefused(peer, who.adm1, [attestationOf(endorsement)], 'MEDREC_WRONG_ORGANISATION');
    expect(detail).to.contain('its own');
    const otherAdmin = identity(H1, 'admin', 'adm1b', orgPki(H1).admin.certPem);
    await attestRefused(peer, otherAdmin, [attestationOf(endorsement)], 'MEDREC_WRONG_ORGANISATION');
    // Mixed into a batch with a valid attestation of another organisation's claim, it refuses the whole batch.
    const h2Claim = endorse(peer.ledger, await businessTx(peer), h2Peer);
    await claim(peer, [h2Claim], who.adm2);
    await attestRefused(
      peer,
      who.adm1,
      [attestationOf(h2Claim), attestationOf(endorsement)],
      'MEDREC_WRONG_ORGANISATION',
    );
    expect((await pendingClaims(peer)).items.every((c) => c.attestedBy.length === 0)).to.equal(true);
  });

  it('counts each organisation once per claim: a second attestation is refused, pending or paid', async () => {
    const peer = await initialised();
    const endorsement = endorse(peer.ledger, await businessTx(peer), h1Peer);
    await claim(peer, [endorsement]);
    const attestation = attestationOf(endorsement);
    await attestRefused(peer, who.adm2, [attestation, attestation], 'MEDREC_ALREADY_ATTESTED');
    await attest(peer, who.adm2, [endorsement]);
    expect(await attestRefused(peer, who.adm2, [attestation], 'MEDREC_ALREADY_ATTESTED')).to.contain('attests once');
    // Another admin of the same organisation is the same organisation.
    const otherAdmin = identity(H2, 'admin', 'adm2b', orgPki(H2).admin.certPem);
    await attestRefused(peer, otherAdmin, [attestation], 'MEDREC_ALREADY_ATTESTED');
    expect(await balanceOf(peer, H1)).to.equal('0');
    await attest(peer, who.admR, [endorsement]);
    await attestRefused(peer, who.admR, [attestation], 'MEDREC_ALREADY_ATTESTED');
    expect(await balanceOf(peer, H1), 'paid once').to.equal('50');
  });

  it('refuses attestations whose hashes differ from the claim, and of claims that do not exist', async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    const endorsement = endorse(peer.ledger, txId, h1Peer);
    await claim(peer, [endorsement]);
    const good = attestationOf(endorsement);
    const flipped = (hex: string): string => (hex.startsWith('0') ? `1${hex.slice(1)}` : `0${hex.slice(1)}`);
    for (const bad of [
      { ...good, endorserCertSha256: flipped(good.endorserCertSha256) },
      { ...good, signatureSha256: flipped(good.signatureSha256) },
      { ...good, signatureSha256: good.endorserCertSha256, endorserCertSha256: good.signatureSha256 },
    ]) {
      expect(await attestRefused(peer, who.adm2, [bad], 'MEDREC_PAYLOAD_MISMATCH')).to.contain('exactly');
    }
    // The same endorsement attested for a claimant that did not claim it, or a transaction nobody claimed.
    await attestRefused(peer, who.adm2, [{ ...good, mspId: RES }], 'MEDREC_NOT_FOUND');
    await attestRefused(peer, who.adm2, [{ ...good, txId: await businessTx(peer) }], 'MEDREC_NOT_FOUND');
    for (const attestations of [[], Array.from({ length: 51 }, () => good), [{ ...good, signatureSha256: 'ab' }]]) {
      await attestRefused(peer, who.adm2, attestations, 'MEDREC_INVALID_ARGUMENT');
    }
    await attestRefused(peer, who.adm2, [{ ...good, extra: true }], 'MEDREC_INVALID_ARGUMENT');
    // An admin of an organisation that is not registered is no attester.
    const outsider = identity('EvilMSP', 'admin', 'evil-admin', orgPki('EvilMSP').admin.certPem);
    await attestRefused(peer, outsider, [good], 'MEDREC_FORBIDDEN');
  });

  it('never pays a claim for a signature that is not in the block, since honest attesters name the real one', async () => {
    const peer = await initialised();
    const txId = await businessTx(peer);
    // H1's CA issues itself a fresh peer certificate and signs the public payload after the fact: the claim passes
    // every on-chain check, so it is recorded, but only as pending.
    const sidePeer = { mspId: H1, ...issueLeaf(orgPki(H1).ca, `/C=US/O=${H1}/OU=peer/CN=peer7.${H1}`) };
    const forged = endorse(peer.ledger, txId, sidePeer);
    expect((await claim(peer, [forged])).claims[0]).to.deep.include({ status: 'pending' });
    // The attesters find the endorsement the block really holds (another certificate, another signature): what they
    // attest does not match the forged claim, and nothing the claimant can do makes them attest its hashes.
    const inBlock = endorse(peer.ledger, txId, h1Peer);
    await attestRefused(peer, who.adm2, [attestationOf(inBlock)], 'MEDREC_PAYLOAD_MISMATCH');
    await attestRefused(peer, who.admR, [attestationOf(inBlock)], 'MEDREC_PAYLOAD_MISMATCH');
    expect(await balanceOf(peer, H1)).to.equal('0');
    expect((await pendingClaims(peer)).items.map((c) => c.status)).to.deep.equal(['pending']);
  });

  it('pays several claimants in one attestation batch, crediting each its own rewards', async () => {
    const peer = await initialised();
    const txA = await businessTx(peer);
    const txB = await businessTx(peer);
    const h1Claims = [endorse(peer.ledger, txA, h1Peer), endorse(peer.ledger, txB, h1Peer)];
    const h2Claims = [endorse(peer.ledger, txA, h2Peer)];
    await claim(peer, h1Claims);
    await claim(peer, h2Claims, who.adm2);
    await attest(peer, who.adm2, h1Claims);
    await attest(peer, who.adm1, h2Claims);
    // The research organisation's one batch completes the majority of all three claims.
    const result = await attest(peer, who.admR, [...h1Claims, ...h2Claims]);
    expect(result).to.deep.include({ paid: 3, minted: '150' });
    expect(result.claims.map((c) => [c.mspId, c.claimNumber, c.attestedBy])).to.deep.equal([
      [H1, '0', [H2, RES]],
      [H1, '1', [H2, RES]],
      [H2, '2', [H1, RES]],
    ]);
    expect([await balanceOf(peer, H1), await balanceOf(peer, H2), await balanceOf(peer, RES)]).to.deep.equal([
      '100',
      '50',
      '0',
    ]);
  });

  it('with four organisations pays on two of the three others, and records a late third attestation', async () => {
    const { peer } = await freshPeer();
    const CLINIC = 'ClinicMSP';
    const admC = identity(CLINIC, 'admin', 'admC', orgPki(CLINIC).admin.certPem);
    await call(peer, admC, 'Registrar:RegisterOrganisation', [orgBody(CLINIC)]);
    // Four organisations: three approvals set the schedule, two of the three others pay a claim.
    for (const admin of [who.adm1, who.adm2, admC]) {
      await call(peer, admin, 'Incentive:ProposeSchedule', [{ initialReward: '50', halvingInterval: '10' }]);
    }
    const endorsement = endorse(peer.ledger, await businessTx(peer), h1Peer);
    const recorded = await claim(peer, [endorsement]);
    expect(recorded).to.deep.include({ organisations: 4, required: 2 });
    expect((await attest(peer, admC, [endorsement])).paid).to.equal(0);
    const paid = await attest(peer, who.adm2, [endorsement]);
    expect(paid).to.deep.include({ organisations: 4, required: 2, paid: 1, minted: '50' });
    const late = await attest(peer, who.admR, [endorsement]);
    expect(late).to.deep.include({ paid: 0, minted: '0' });
    expect(late.claims[0]).to.deep.include({ status: 'paid', claimNumber: '0', attestedBy: [CLINIC, H2, RES] });
    expect(await balanceOf(peer, H1)).to.equal('50');
    expect(await call(peer, who.p1, 'Incentive:GetSchedule')).to.include({ claims: '1', minted: '50' });
  });

  it('pages the pending claims oldest first, with bounded pages, and drops each claim once paid', async () => {
    const peer = await initialised();
    const endorsements: ClaimBody[] = [];
    for (let i = 0; i < 3; i += 1) {
      const endorsement = endorse(peer.ledger, await businessTx(peer), h1Peer);
      endorsements.push(endorsement);
      await claim(peer, [endorsement]);
    }
    const first = await pendingClaims(peer, { pageSize: 2 });
    expect(first.items.map((c) => c.txId)).to.deep.equal(endorsements.slice(0, 2).map((e) => e.txId));
    expect(first.bookmark).to.not.equal('');
    const rest = await pendingClaims(peer, { pageSize: 2, bookmark: first.bookmark });
    expect(rest.items.map((c) => c.txId)).to.deep.equal([endorsements[2]!.txId]);
    expect(rest.bookmark).to.equal('');
    await claimAndPay(peer, who.adm2, [endorse(peer.ledger, endorsements[1]!.txId, h2Peer)]);
    await attest(peer, who.adm2, [endorsements[1]!]);
    await attest(peer, who.admR, [endorsements[1]!]);
    const after = await pendingClaims(peer, {}, who.adm1);
    expect(after.items.map((c) => c.txId)).to.deep.equal([endorsements[0]!.txId, endorsements[2]!.txId]);
    for (const query of [{ pageSize: 0 }, { pageSize: 201 }, { bookmark: '!' }, { extra: 1 }]) {
      const error = await callFails(peer, who.adm1, 'Incentive:ListPendingClaims', [query]);
      expect(error.code, JSON.stringify(query)).to.equal('MEDREC_INVALID_ARGUMENT');
    }
    // A bookmark of another query's key range is refused rather than followed.
    const transfers = Buffer.from('\u0000medrec.balance\u0000', 'utf8').toString('base64url');
    const wrong = await callFails(peer, who.adm1, 'Incentive:ListPendingClaims', [{ bookmark: transfers }]);
    expect(wrong.code).to.equal('MEDREC_INVALID_ARGUMENT');
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
    // Both hospitals claim every transaction, in batches, each batch paid by its two attesters: 28 claims, well past
    // the last era. Claim numbers are taken when a claim is paid, in the order of payment.
    for (const [admin, endorser] of [
      [who.adm1, h1Peer],
      [who.adm2, h2Peer],
    ] as const) {
      for (let start = 0; start < txIds.length; start += 5) {
        const batch = txIds.slice(start, start + 5).map((txId) => endorse(peer.ledger, txId, endorser));
        const result = await claimAndPay(peer, admin, batch);
        expect(result.paid).to.equal(batch.length);
        rewards.push(...result.claims.map((record) => record.reward ?? 'unpaid'));
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
    await claimAndPay(peer, who.adm1, [endorse(peer.ledger, await businessTx(peer), h1Peer)]);
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
    await claimAndPay(peer, who.adm1, [endorse(peer.ledger, await businessTx(peer), h1Peer)]);
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

interface ProposalView {
  proposalId: string;
  initialReward: string;
  halvingInterval: string;
  proposedBy: { mspId: string; participantId: string };
  approvals: { mspId: string; approvedBy: string; proposalId: string }[];
}

interface VoteResult {
  proposal: ProposalView;
  organisations: number;
  required: number;
  schedule: (Schedule & { initialReward: string; halvingInterval: string; approvedBy: string[] }) | null;
}

const FIFTY = { initialReward: '50', halvingInterval: '10' };
const SIXTY = { initialReward: '60', halvingInterval: '10' };

/** Proposes (or, for known parameters, approves) as `admin`; returns the result and the event it emitted. */
async function propose(peer: FakePeer, admin: FakeIdentity, parameters: object): Promise<[VoteResult, string]> {
  const outcome = await peer.invoke(admin, 'Incentive:ProposeSchedule', [JSON.stringify(parameters)]);
  expect(outcome.message, 'ProposeSchedule').to.equal('');
  return [JSON.parse(outcome.payload) as VoteResult, outcome.eventCalls.map((event) => event.name).join()];
}

async function approve(peer: FakePeer, admin: FakeIdentity, proposalId: string): Promise<[VoteResult, string]> {
  const outcome = await peer.invoke(admin, 'Incentive:ApproveSchedule', [proposalId]);
  expect(outcome.message, 'ApproveSchedule').to.equal('');
  return [JSON.parse(outcome.payload) as VoteResult, outcome.eventCalls.map((event) => event.name).join()];
}

/** Asserts the call is refused with `code` and that the ledger did not change. */
async function voteRefused(
  peer: FakePeer,
  caller: FakeIdentity,
  fcn: 'Incentive:ProposeSchedule' | 'Incentive:ApproveSchedule',
  arg: string | object,
  code: string,
): Promise<string> {
  const before = peer.ledger.snapshot();
  const error = await callFails(peer, caller, fcn, [arg]);
  expect([error.code, error.detail]).to.have.property('0', code);
  expect(peer.ledger.snapshot(), 'a refused vote writes nothing').to.equal(before);
  return error.detail;
}

async function proposals(peer: FakePeer): Promise<{ organisations: number; required: number; items: ProposalView[] }> {
  return call(peer, who.p1, 'Incentive:ListScheduleProposals');
}

async function scheduleCode(peer: FakePeer): Promise<string> {
  const outcome = await peer.invoke(who.p1, 'Incentive:GetSchedule');
  return outcome.ok ? 'in effect' : new ChaincodeError(outcome).code;
}

describe('Incentive: the consortium sets the schedule (majority of organisation admins)', () => {
  it('takes effect when admins of a strict majority approve identical parameters, each step audited', async () => {
    const { peer } = await freshPeer();
    const id = proposalIdOf(FIFTY);
    // The proposal id is the content hash of the canonical parameters: any client can compute it.
    expect(id).to.equal(createHash('sha256').update('{"halvingInterval":"10","initialReward":"50"}').digest('hex'));
    const [first, firstEvent] = await propose(peer, who.adm1, FIFTY);
    expect(firstEvent).to.equal('IncentiveScheduleProposed');
    expect(first).to.deep.include({ organisations: 3, required: 2, schedule: null });
    expect(first.proposal).to.deep.include({
      proposalId: id,
      ...FIFTY,
      proposedBy: { mspId: H1, participantId: 'adm1' },
    });
    expect(first.proposal.approvals.map((a) => a.mspId)).to.deep.equal([H1]);
    expect(await scheduleCode(peer)).to.equal('MEDREC_NOT_FOUND');
    const listed = await proposals(peer);
    expect(listed).to.deep.include({ organisations: 3, required: 2 });
    expect(listed.items.map((p) => [p.proposalId, p.approvals.length])).to.deep.equal([[id, 1]]);

    const [second, secondEvent] = await approve(peer, who.adm2, id);
    expect(secondEvent).to.equal('IncentiveInitialized');
    expect(second.schedule).to.deep.include({
      ...FIFTY,
      claims: '0',
      minted: '0',
      proposalId: id,
      approvedBy: [H1, H2],
      initializedBy: { mspId: H2, participantId: 'adm2' },
    });
    expect(await call(peer, who.r1, 'Incentive:GetSchedule')).to.deep.include({ ...FIFTY, approvedBy: [H1, H2] });
    const audit = peer.ledger.events.slice(-2).map((event) => JSON.parse(event.payload.toString()) as object);
    expect(audit).to.deep.equal([
      { txId: peer.ledger.events.at(-2)!.txId, type: 'IncentiveScheduleProposed', subject: { kind: 'incentive', id } },
      { txId: peer.ledger.events.at(-1)!.txId, type: 'IncentiveInitialized', subject: { kind: 'incentive', id } },
    ]);
    // Votes are incentive transactions: never claimable.
    await refused(peer, [endorse(peer.ledger, peer.ledger.events.at(-2)!.txId, h1Peer)], 'MEDREC_NOT_CLAIMABLE');
  });

  it('refuses non-admins, admins of unregistered organisations, and malformed or unknown proposal ids', async () => {
    const { peer } = await freshPeer();
    const id = proposalIdOf(FIFTY);
    for (const caller of [who.reg1, who.p1, who.c1, who.gk1, who.co1, who.r1]) {
      await voteRefused(peer, caller, 'Incentive:ProposeSchedule', FIFTY, 'MEDREC_FORBIDDEN');
    }
    const outsider = identity('EvilMSP', 'admin', 'evil-admin', orgPki('EvilMSP').admin.certPem);
    expect(await voteRefused(peer, outsider, 'Incentive:ProposeSchedule', FIFTY, 'MEDREC_FORBIDDEN')).to.contain(
      'EvilMSP is not a member organisation',
    );
    await propose(peer, who.adm1, FIFTY);
    for (const caller of [who.reg2, who.c2, who.r1]) {
      await voteRefused(peer, caller, 'Incentive:ApproveSchedule', id, 'MEDREC_FORBIDDEN');
    }
    await voteRefused(peer, outsider, 'Incentive:ApproveSchedule', id, 'MEDREC_FORBIDDEN');
    // The outsider's refused approval did not count: one more registered organisation is still needed.
    expect(await scheduleCode(peer)).to.equal('MEDREC_NOT_FOUND');
    await voteRefused(peer, who.adm2, 'Incentive:ApproveSchedule', proposalIdOf(SIXTY), 'MEDREC_NOT_FOUND');
    for (const bad of ['', id.toUpperCase(), `${id}0`, 'x'.repeat(64), JSON.stringify({ proposalId: id })]) {
      await voteRefused(peer, who.adm2, 'Incentive:ApproveSchedule', bad, 'MEDREC_INVALID_ARGUMENT');
    }
  });

  it('counts one approval per organisation: a second approval of the same proposal is refused', async () => {
    const { peer } = await freshPeer();
    const id = proposalIdOf(FIFTY);
    await propose(peer, who.adm1, FIFTY);
    const detail = await voteRefused(peer, who.adm1, 'Incentive:ApproveSchedule', id, 'MEDREC_CONFLICT');
    expect(detail).to.contain(`${H1} already approves`);
    await voteRefused(peer, who.adm1, 'Incentive:ProposeSchedule', FIFTY, 'MEDREC_CONFLICT');
    // Another admin of the same organisation is the same organisation.
    const otherAdmin = identity(H1, 'admin', 'adm1b', orgPki(H1).admin.certPem);
    await voteRefused(peer, otherAdmin, 'Incentive:ApproveSchedule', id, 'MEDREC_CONFLICT');
    expect((await proposals(peer)).items[0]?.approvals.map((a) => a.mspId)).to.deep.equal([H1]);
    expect(await scheduleCode(peer)).to.equal('MEDREC_NOT_FOUND');
  });

  it('never adds up approvals of different parameters', async () => {
    const { peer } = await freshPeer();
    await propose(peer, who.adm1, FIFTY);
    const [other, event] = await propose(peer, who.adm2, SIXTY);
    expect(event).to.equal('IncentiveScheduleProposed');
    expect(other.schedule).to.equal(null);
    // The same reward with another interval is another proposal too.
    const [third] = await propose(peer, who.admR, { initialReward: '50', halvingInterval: '11' });
    expect(third.schedule).to.equal(null);
    expect(await scheduleCode(peer)).to.equal('MEDREC_NOT_FOUND');
    const listed = await proposals(peer);
    expect(listed.items).to.have.length(3);
    expect(listed.items.every((p) => p.approvals.length === 1)).to.equal(true);
    // research moves its approval to hospital1's parameters: now two organisations approve identical ones.
    const [moved, movedEvent] = await approve(peer, who.admR, proposalIdOf(FIFTY));
    expect(movedEvent).to.equal('IncentiveInitialized');
    expect(moved.schedule).to.deep.include({ ...FIFTY, approvedBy: [H1, RES] });
  });

  it('moves an organisation’s approval and drops proposals nobody approves any more', async () => {
    const { peer } = await freshPeer();
    await propose(peer, who.adm1, FIFTY);
    await propose(peer, who.adm1, SIXTY);
    const listed = await proposals(peer);
    expect(listed.items.map((p) => p.proposalId)).to.deep.equal([proposalIdOf(SIXTY)]);
    await voteRefused(peer, who.adm2, 'Incentive:ApproveSchedule', proposalIdOf(FIFTY), 'MEDREC_NOT_FOUND');
    // State stays bounded: one approval key per organisation, one proposal per live approval.
    const voteKeys = [...peer.ledger.state.keys()].filter((k) => k.includes('medrec.incentive-'));
    expect(voteKeys.filter((k) => k.includes('proposal'))).to.have.length(1);
    expect(voteKeys.filter((k) => k.includes('approval'))).to.have.length(1);
    const [done] = await approve(peer, who.adm2, proposalIdOf(SIXTY));
    expect(done.schedule).to.deep.include(SIXTY);
  });

  it('needs a strict majority: not one approval below the threshold, exactly at it', async () => {
    const { peer } = await freshPeer();
    // A fourth organisation: 4 registered, so a strict majority is 3 (2 of 4 is a tie, not a majority).
    const CLINIC = 'ClinicMSP';
    const admC = identity(CLINIC, 'admin', 'admC', orgPki(CLINIC).admin.certPem);
    await call(peer, admC, 'Registrar:RegisterOrganisation', [orgBody(CLINIC)]);
    const [one] = await propose(peer, who.adm1, FIFTY);
    expect(one).to.deep.include({ organisations: 4, required: 3, schedule: null });
    const [two] = await propose(peer, who.adm2, FIFTY);
    expect(two.schedule, 'two of four is not a majority').to.equal(null);
    expect(two.proposal.approvals.map((a) => a.mspId)).to.deep.equal([H1, H2]);
    expect(await scheduleCode(peer)).to.equal('MEDREC_NOT_FOUND');
    const [three, event] = await approve(peer, admC, proposalIdOf(FIFTY));
    expect(event).to.equal('IncentiveInitialized');
    expect(three.schedule).to.deep.include({ approvedBy: [CLINIC, H1, H2] });
    expect(await scheduleCode(peer)).to.equal('in effect');
  });

  it('with three organisations one approval is not enough and two are', async () => {
    const { peer } = await freshPeer();
    const [one] = await propose(peer, who.admR, FIFTY);
    expect(one.schedule).to.equal(null);
    expect(await scheduleCode(peer)).to.equal('MEDREC_NOT_FOUND');
    const [two] = await propose(peer, who.adm2, FIFTY);
    expect(two.schedule).to.deep.include({ approvedBy: [H2, RES] });
  });

  it('refuses every vote once the schedule is in effect', async () => {
    const peer = await initialised(FIFTY);
    const schedule = await call(peer, who.p1, 'Incentive:GetSchedule');
    for (const [caller, fcn, arg] of [
      [who.admR, 'Incentive:ApproveSchedule', proposalIdOf(FIFTY)],
      [who.admR, 'Incentive:ProposeSchedule', FIFTY],
      [who.admR, 'Incentive:ProposeSchedule', SIXTY],
      [who.adm1, 'Incentive:ProposeSchedule', SIXTY],
    ] as const) {
      expect(await voteRefused(peer, caller, fcn, arg, 'MEDREC_CONFLICT')).to.contain('already in effect');
    }
    expect(await call(peer, who.p1, 'Incentive:GetSchedule')).to.deep.equal(schedule);
  });

  it('is skipped by the miner exactly as the chaincode refuses it (no batch fails on a vote)', () => {
    expect([...MINER_SKIPS].sort()).to.deep.equal([...INCENTIVE_AUDIT_TYPES].sort());
  });

  it('bounds the parameters so that no amount can leave the 38-digit schema', async () => {
    const { peer } = await freshPeer();
    const maxReward = '9'.repeat(MAX_INITIAL_REWARD_DIGITS);
    const maxInterval = '9'.repeat(MAX_HALVING_INTERVAL_DIGITS);
    for (const parameters of [
      { initialReward: '1' + '0'.repeat(MAX_INITIAL_REWARD_DIGITS), halvingInterval: '10' },
      { initialReward: '9'.repeat(38), halvingInterval: '10' },
      { initialReward: '50', halvingInterval: '1' + '0'.repeat(MAX_HALVING_INTERVAL_DIGITS) },
      { initialReward: '0', halvingInterval: '2' },
      { initialReward: '8', halvingInterval: '0' },
      { initialReward: '1.5', halvingInterval: '2' },
      { initialReward: '8', halvingInterval: '-1' },
      { initialReward: '08', halvingInterval: '2' },
      { initialReward: '1e3', halvingInterval: '2' },
      { initialReward: 8, halvingInterval: '2' },
      { initialReward: '8' },
      { ...FIFTY, extra: '1' },
    ]) {
      await voteRefused(peer, who.adm1, 'Incentive:ProposeSchedule', parameters, 'MEDREC_INVALID_ARGUMENT');
    }
    // The largest accepted schedule: everything it can ever mint, hence every balance, fits in 38 digits.
    const largest = { initialReward: maxReward, halvingInterval: maxInterval };
    const cap = supplyCap(largest);
    expect(cap < 2n * BigInt(maxReward) * BigInt(maxInterval)).to.equal(true);
    expect(2n * BigInt(maxReward) * BigInt(maxInterval) < 10n ** 38n).to.equal(true);
    await propose(peer, who.adm1, largest);
    const [effective] = await propose(peer, who.adm2, largest);
    expect(effective.schedule).to.deep.include({ ...largest, cap: cap.toString() });
    expect(cap.toString().length).to.be.at.most(38);
  });
});
