import { expect } from 'chai';
import crypto from 'node:crypto';
import {
  BadProofSignatureError,
  InvalidProofOptionError,
  MalformedProofError,
  PROOF_CONTEXT,
  ProofCertificateError,
  ProofMismatchError,
  ReplayCacheFullError,
  ReplayedProofError,
  StaleProofError,
  createPossessionProof,
  possessionProofBytes,
  type PossessionProof,
} from '../../../sdk/src/gatekeeper';
import { createMemoryReplayCache, createProofVerifier, type ProofVerifier } from '../../../gatekeeper/src';
import type { PurposeOfUse } from '../../../sdk/src/chaincode-types';
import { rejectionOf, thrownBy } from '../store/support/rejection';
import {
  CLINICIAN_A_CERTIFICATE,
  CLINICIAN_A_PRIVATE_KEY,
  CLINICIAN_B_PRIVATE_KEY,
  P384_USER_CERTIFICATE,
  P384_USER_PRIVATE_KEY,
} from './support/test-certificates';

// Inside the fixtures' validity period (2026-11-24 .. 2126-10-31).
const START = Date.parse('2030-06-01T12:00:00Z');

interface Clock {
  now: () => number;
  advance(ms: number): void;
}

function manualClock(start = START): Clock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}

interface ProofRequest {
  ticketId: string;
  recordId: string;
  purpose: PurposeOfUse;
}

function freshRequest(): ProofRequest {
  return { ticketId: `tkt-${crypto.randomUUID()}`, recordId: `rec-${crypto.randomUUID()}`, purpose: 'TREAT' };
}

describe('proof of possession', function () {
  let clock: Clock;
  let verifier: ProofVerifier;

  beforeEach(function () {
    clock = manualClock();
    verifier = createProofVerifier({ now: clock.now });
  });

  function sign(request: ProofRequest, privateKey = CLINICIAN_A_PRIVATE_KEY): PossessionProof {
    return createPossessionProof({ ...request, privateKey, now: clock.now });
  }

  function expectedFor(
    request: ProofRequest,
    certificate = CLINICIAN_A_CERTIFICATE,
  ): ProofRequest & { certificate: string } {
    return { ...request, certificate };
  }

  it('accepts a fresh proof signed with the ticket certificate key', async function () {
    const request = freshRequest();
    const proof = sign(request);
    expect(await verifier.verify(proof, expectedFor(request))).to.deep.equal(proof);
  });

  it('signs canonical JSON with a context string, verifiable with plain ECDSA P-256/SHA-256', function () {
    const request = freshRequest();
    const proof = sign(request);
    const bytes = possessionProofBytes(proof).toString('utf8');
    expect(bytes).to.equal(
      JSON.stringify({
        context: PROOF_CONTEXT,
        nonce: proof.nonce,
        purpose: 'TREAT',
        recordId: request.recordId,
        ticketId: request.ticketId,
        timestamp: START,
      }),
    );
    const key = new crypto.X509Certificate(CLINICIAN_A_CERTIFICATE).publicKey;
    expect(crypto.verify('sha256', Buffer.from(bytes), key, Buffer.from(proof.signature, 'base64'))).to.be.true;
  });

  it('gives every proof a new nonce', function () {
    const request = freshRequest();
    expect(sign(request).nonce).to.not.equal(sign(request).nonce);
  });

  describe('freshness', function () {
    it('accepts a proof at the edge of the window, both ways', async function () {
      const old = freshRequest();
      const oldProof = sign(old);
      clock.advance(60_000);
      await verifier.verify(oldProof, expectedFor(old));
      const early = freshRequest();
      const earlyProof = createPossessionProof({
        ...early,
        privateKey: CLINICIAN_A_PRIVATE_KEY,
        now: () => clock.now() + 60_000,
      });
      await verifier.verify(earlyProof, expectedFor(early));
    });

    it('refuses a proof older than the window', async function () {
      const request = freshRequest();
      const proof = sign(request);
      clock.advance(60_001);
      const error = await rejectionOf(verifier.verify(proof, expectedFor(request)), StaleProofError);
      expect(error.code).to.equal('PROOF_STALE');
      expect(error.skewMs).to.equal(-60_001);
      expect(error.message).to.include('in the past');
    });

    it('refuses a proof dated too far in the future', async function () {
      const request = freshRequest();
      const proof = createPossessionProof({
        ...request,
        privateKey: CLINICIAN_A_PRIVATE_KEY,
        now: () => START + 61_000,
      });
      const error = await rejectionOf(verifier.verify(proof, expectedFor(request)), StaleProofError);
      expect(error.message).to.include('in the future');
    });

    it('honours a configured window', async function () {
      const strict = createProofVerifier({ now: clock.now, windowMs: 5_000 });
      const request = freshRequest();
      const proof = sign(request);
      clock.advance(5_001);
      await rejectionOf(strict.verify(proof, expectedFor(request)), StaleProofError);
    });

    for (const windowMs of [0, 999, 600_001, 1.5, Number.NaN]) {
      it(`refuses the window option ${windowMs}`, function () {
        const error = thrownBy(() => createProofVerifier({ windowMs }), InvalidProofOptionError);
        expect(error.option).to.equal('windowMs');
      });
    }
  });

  describe('replay', function () {
    it('refuses the same proof a second time', async function () {
      const request = freshRequest();
      const proof = sign(request);
      await verifier.verify(proof, expectedFor(request));
      clock.advance(1_000);
      const error = await rejectionOf(verifier.verify(proof, expectedFor(request)), ReplayedProofError);
      expect(error.code).to.equal('PROOF_REPLAYED');
    });

    it('refuses a replay whose signature was re-encoded (ECDSA s -> n - s)', async function () {
      const request = freshRequest();
      const proof = sign(request);
      await verifier.verify(proof, expectedFor(request));
      const malleated = { ...proof, signature: flipS(proof.signature) };
      await rejectionOf(verifier.verify(malleated, expectedFor(request)), ReplayedProofError);
    });

    it('accepts a second, newly signed proof for the same ticket and record', async function () {
      const request = freshRequest();
      await verifier.verify(sign(request), expectedFor(request));
      await verifier.verify(sign(request), expectedFor(request));
    });

    it('forgets proofs once their window has passed (they are stale by then)', async function () {
      const cache = createMemoryReplayCache();
      const windowed = createProofVerifier({ now: clock.now, replayCache: cache });
      for (let i = 0; i < 5; i += 1) {
        const request = freshRequest();
        await windowed.verify(sign(request), expectedFor(request));
      }
      expect(cache.size).to.equal(5);
      clock.advance(120_001);
      const request = freshRequest();
      await windowed.verify(sign(request), expectedFor(request));
      expect(cache.size).to.equal(1);
    });

    it('refuses new proofs rather than forget live ones when the cache is full', async function () {
      const small = createProofVerifier({ now: clock.now, replayCache: createMemoryReplayCache({ capacity: 2 }) });
      for (let i = 0; i < 2; i += 1) {
        const request = freshRequest();
        await small.verify(sign(request), expectedFor(request));
      }
      const request = freshRequest();
      const proof = sign(request);
      const error = await rejectionOf(small.verify(proof, expectedFor(request)), ReplayCacheFullError);
      expect(error.code).to.equal('PROOF_REPLAY_CACHE_FULL');
    });

    it('does not remember proofs whose signature failed', async function () {
      const cache = createMemoryReplayCache();
      const guarded = createProofVerifier({ now: clock.now, replayCache: cache });
      const request = freshRequest();
      await rejectionOf(
        guarded.verify(sign(request, CLINICIAN_B_PRIVATE_KEY), expectedFor(request)),
        BadProofSignatureError,
      );
      expect(cache.size).to.equal(0);
    });
  });

  describe('signature and binding', function () {
    it("refuses a proof signed by another certificate's key", async function () {
      const request = freshRequest();
      const error = await rejectionOf(
        verifier.verify(sign(request, CLINICIAN_B_PRIVATE_KEY), expectedFor(request)),
        BadProofSignatureError,
      );
      expect(error.code).to.equal('PROOF_BAD_SIGNATURE');
    });

    for (const tamper of ['timestamp', 'nonce'] as const) {
      it(`refuses a proof whose ${tamper} was changed after signing`, async function () {
        const request = freshRequest();
        const proof = sign(request);
        const changed =
          tamper === 'timestamp'
            ? { ...proof, timestamp: proof.timestamp + 1 }
            : { ...proof, nonce: crypto.randomBytes(16).toString('base64url') };
        await rejectionOf(verifier.verify(changed, expectedFor(request)), BadProofSignatureError);
      });
    }

    it('refuses a proof re-labelled with another purpose (the purpose is signed)', async function () {
      const request = freshRequest();
      const relabelled = { ...sign(request), purpose: 'ETREAT' };
      await rejectionOf(
        verifier.verify(relabelled, expectedFor({ ...request, purpose: 'ETREAT' })),
        BadProofSignatureError,
      );
    });

    it('refuses a proof signed for another purpose than the request names', async function () {
      const request = freshRequest();
      const error = await rejectionOf(
        verifier.verify(sign({ ...request, purpose: 'ETREAT' }), expectedFor(request)),
        ProofMismatchError,
      );
      expect(error.message).to.include('purpose');
    });

    it('refuses a garbage signature', async function () {
      const request = freshRequest();
      const proof = { ...sign(request), signature: Buffer.from('not a DER signature').toString('base64') };
      await rejectionOf(verifier.verify(proof, expectedFor(request)), BadProofSignatureError);
    });

    it('refuses a proof for another ticket or record', async function () {
      const request = freshRequest();
      const proof = sign(request);
      const otherTicket = await rejectionOf(
        verifier.verify(proof, expectedFor({ ...request, ticketId: freshRequest().ticketId })),
        ProofMismatchError,
      );
      expect(otherTicket.code).to.equal('PROOF_MISMATCH');
      expect(otherTicket.message).to.include('ticketId');
      const otherRecord = await rejectionOf(
        verifier.verify(proof, expectedFor({ ...request, recordId: freshRequest().recordId })),
        ProofMismatchError,
      );
      expect(otherRecord.message).to.include('recordId');
    });

    it('refuses a proof re-labelled for another record (the ids are signed)', async function () {
      const request = freshRequest();
      const other = { ...request, recordId: freshRequest().recordId };
      const relabelled = { ...sign(request), recordId: other.recordId };
      await rejectionOf(verifier.verify(relabelled, expectedFor(other)), BadProofSignatureError);
    });
  });

  describe('certificate', function () {
    it('refuses an unparseable certificate', async function () {
      const request = freshRequest();
      const error = await rejectionOf(
        verifier.verify(sign(request), expectedFor(request, 'not a certificate')),
        ProofCertificateError,
      );
      expect(error.code).to.equal('PROOF_BAD_CERTIFICATE');
    });

    it('refuses a certificate whose key is not P-256', async function () {
      const request = freshRequest();
      const proof = sign(request, P384_USER_PRIVATE_KEY);
      const error = await rejectionOf(
        verifier.verify(proof, expectedFor(request, P384_USER_CERTIFICATE)),
        ProofCertificateError,
      );
      expect(error.message).to.include('P-256');
    });

    it('refuses a certificate outside its validity period', async function () {
      const late = manualClock(Date.parse('2127-01-01T00:00:00Z'));
      const lateVerifier = createProofVerifier({ now: late.now });
      const request = freshRequest();
      const proof = createPossessionProof({ ...request, privateKey: CLINICIAN_A_PRIVATE_KEY, now: late.now });
      const error = await rejectionOf(lateVerifier.verify(proof, expectedFor(request)), ProofCertificateError);
      expect(error.message).to.include('not valid now');
    });
  });

  describe('malformed proofs', function () {
    const cases: [string, string, (proof: PossessionProof) => unknown][] = [
      ['proof', 'null', () => null],
      ['proof', 'a string', () => 'a proof'],
      ['ticketId', 'empty', (p) => ({ ...p, ticketId: '' })],
      ['recordId', 'with a space', (p) => ({ ...p, recordId: 'bad id' })],
      ['timestamp', 'as text', (p) => ({ ...p, timestamp: String(p.timestamp) })],
      ['timestamp', 'fractional', (p) => ({ ...p, timestamp: p.timestamp + 0.5 })],
      ['nonce', 'too short', (p) => ({ ...p, nonce: 'short' })],
      ['purpose', 'missing', (p) => ({ ...p, purpose: undefined })],
      ['purpose', 'not a PurposeOfUse code', (p) => ({ ...p, purpose: 'TREATMENT' })],
      ['signature', 'missing', (p) => ({ ...p, signature: undefined })],
      ['signature', 'oversized', (p) => ({ ...p, signature: 'x'.repeat(500) })],
    ];
    for (const [fieldName, label, mutate] of cases) {
      it(`refuses a ${fieldName} that is ${label}`, async function () {
        const request = freshRequest();
        const error = await rejectionOf(
          verifier.verify(mutate(sign(request)), expectedFor(request)),
          MalformedProofError,
        );
        expect(error.code).to.equal('PROOF_MALFORMED');
        expect(error.field).to.equal(fieldName);
      });
    }
  });
});

/** Rewrites a DER ECDSA signature (r, s) as (r, n - s): equally valid, different bytes. */
function flipS(signatureBase64: string): string {
  const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
  const der = Buffer.from(signatureBase64, 'base64');
  const rLength = der[3]!;
  const r = der.subarray(4, 4 + rLength);
  const sLength = der[5 + rLength]!;
  const s = BigInt(`0x${der.subarray(6 + rLength, 6 + rLength + sLength).toString('hex')}`);
  const flipped = n - s;
  let hex = flipped.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let sBytes = Buffer.from(hex, 'hex');
  if ((sBytes[0]! & 0x80) !== 0) sBytes = Buffer.concat([Buffer.from([0]), sBytes]);
  const body = Buffer.concat([Buffer.from([0x02, r.length]), r, Buffer.from([0x02, sBytes.length]), sBytes]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('base64');
}
