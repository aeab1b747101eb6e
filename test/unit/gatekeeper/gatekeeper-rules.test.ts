// What the gatekeeper says and why, rule by rule: the meaning of each failed ledger call, the refusals that name the
// ticket, record, custodian or purpose, and the proof verifier's edges (certificate validity to the second, nonce and
// timestamp form, window bounds). Written against the mutation survivors listed in docs/mutation-testing.md.
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Ticket } from '../../../sdk/src/chaincode-types';
import {
  ChaincodeError,
  EndorsementMismatchError,
  NetworkUnavailableError,
  TransactionInvalidError,
} from '../../../sdk/src/errors';
import { createGatekeeper, type RetrievalRequest } from '../../../gatekeeper/src/gatekeeper';
import { GatekeeperError } from '../../../sdk/src/gatekeeper/gatekeeper-errors';
import { disclosureFailure, ticketReadFailure } from '../../../gatekeeper/src/ledger-failures';
import { createPossessionProof, type PossessionProof } from '../../../sdk/src/gatekeeper/possession-proof';
import {
  InvalidProofOptionError,
  MalformedProofError,
  ProofCertificateError,
  ProofMismatchError,
} from '../../../sdk/src/gatekeeper/proof-errors';
import { createProofVerifier, type ProofVerifier } from '../../../gatekeeper/src/proof-verifier';
import { StoreUnavailableError } from '../../../gatekeeper/src/store/store-errors';
import { rejectionOf, thrownBy } from '../store/support/rejection';
import { createWorld, MSP, NOW, RECORD_ID, type World } from './support/gatekeeper-world';
import {
  CLINICIAN_A_CERTIFICATE,
  CLINICIAN_A_PRIVATE_KEY,
  P384_USER_CERTIFICATE,
  P384_USER_PRIVATE_KEY,
} from './support/test-certificates';

const TICKET_ID = 'ab'.repeat(32);

describe('gatekeeper ledger failures: what each failed ledger call means', function () {
  const transients: [string, () => Error][] = [
    ['the network', () => new NetworkUnavailableError({ message: 'deadline exceeded' })],
    ['endorsers that disagreed', () => new EndorsementMismatchError({ details: [] })],
    [
      'a lost commit',
      () => new TransactionInvalidError({ validationCode: 'MVCC_READ_CONFLICT', transactionId: 'aa'.repeat(32) }),
    ],
  ];
  for (const [label, failure] of transients) {
    it(`${label} is unavailable (503), naming the ticket and keeping the cause`, function () {
      const readErr = failure();
      const read = ticketReadFailure(readErr, TICKET_ID)!;
      expect(read).to.include({ code: 'GATEKEEPER_LEDGER_UNAVAILABLE', status: 503 });
      expect(read.message).to.contain(`could not read ticket ${TICKET_ID} on the ledger`).and.to.contain('retry');
      expect(read.cause).to.equal(readErr);
      const confirmErr = failure();
      const confirm = disclosureFailure(confirmErr, TICKET_ID);
      expect(confirm).to.include({ code: 'GATEKEEPER_LEDGER_UNAVAILABLE', status: 503 });
      expect(confirm.message).to.contain(`record the disclosure for ticket ${TICKET_ID}`);
      expect(confirm.cause).to.equal(confirmErr);
    });
  }

  it('anything else is a failure (500), never "retry later", naming the ticket and keeping the cause', function () {
    for (const err of [new Error('bug'), new ChaincodeError({ code: 'MEDREC_INTERNAL', message: 'bad state' })]) {
      const read = ticketReadFailure(err, TICKET_ID)!;
      expect(read).to.include({ code: 'GATEKEEPER_LEDGER_FAILED', status: 500 });
      expect(read.message).to.contain(`failed unexpectedly to read ticket ${TICKET_ID}`).and.to.contain('operators');
      expect(read.cause).to.equal(err);
      const confirm = disclosureFailure(err, TICKET_ID);
      expect(confirm).to.include({ code: 'GATEKEEPER_LEDGER_FAILED', status: 500 });
      expect(confirm.message).to.contain(`failed unexpectedly to record the disclosure for ticket ${TICKET_ID}`);
      expect(confirm.cause).to.equal(err);
    }
  });

  it('a ticket the ledger will not show is no answer of its own (the caller gets the bad-proof answer)', function () {
    for (const code of ['MEDREC_NOT_FOUND', 'MEDREC_FORBIDDEN', 'MEDREC_INVALID_ARGUMENT'] as const) {
      expect(ticketReadFailure(new ChaincodeError({ code, message: 'no' }), TICKET_ID), code).to.equal(undefined);
    }
    expect(ticketReadFailure(new ChaincodeError({ code: 'MEDREC_CONFLICT', message: 'no' }), TICKET_ID)).to.include({
      code: 'GATEKEEPER_LEDGER_FAILED',
    });
  });

  it("the ledger's refusals of a disclosure keep its reason, the ticket and the cause", function () {
    const cases: [string, string, string][] = [
      ['MEDREC_FORBIDDEN', 'GATEKEEPER_NOT_PERMITTED', 'ask the patient for consent and request access again'],
      ['MEDREC_CONFLICT', 'GATEKEEPER_TICKET_EXPIRED', 'the ticket is no longer valid'],
      ['MEDREC_NOT_FOUND', 'GATEKEEPER_TICKET_NOT_FOUND', 'no longer finds what ticket'],
    ];
    for (const [ledgerCode, code, phrase] of cases) {
      const err = new ChaincodeError({ code: ledgerCode as never, message: 'consent consent-7 was revoked' });
      const failure = disclosureFailure(err, TICKET_ID);
      expect(failure.code, ledgerCode).to.equal(code);
      expect(failure.message, ledgerCode)
        .to.contain(TICKET_ID)
        .and.to.contain('consent consent-7 was revoked')
        .and.to.contain(phrase)
        .and.to.contain('request access again');
      expect(failure.cause, ledgerCode).to.equal(err);
    }
  });
});

/** The request clinician A would send for `ticket`, with a fresh proof. */
function requestFor(world: World, ticket: Ticket, overrides: Partial<RetrievalRequest> = {}): RetrievalRequest {
  const subject = {
    ticketId: ticket.ticketId,
    recordId: overrides.recordId ?? ticket.recordId,
    purpose: overrides.purpose ?? ticket.purpose,
  };
  return { ...subject, proof: world.proof(subject) };
}

describe('gatekeeper refusals name what the requester must fix', function () {
  let world: World;
  beforeEach(async function () {
    world = await createWorld();
  });
  afterEach(async function () {
    await world.store.close();
  });

  it('a deny names the ticket and its reason', async function () {
    const ticket = world.issue({ decision: 'deny', reason: 'no-covering-consent' });
    const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
    expect(error.message).to.contain(ticket.ticketId).and.to.contain('no-covering-consent');
  });

  it("another custodian's ticket names that custodian and where to go", async function () {
    const ticket = world.issue({ custodianMsp: 'Hospital2MSP' });
    const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
    expect(error.code).to.equal('GATEKEEPER_TICKET_MISMATCH');
    expect(error.message).to.contain('Hospital2MSP').and.to.contain(MSP).and.to.contain("custodian's gatekeeper");
  });

  it('a ticket for another record names both records', async function () {
    const ticket = world.issue({ recordId: 'rec-other' });
    const error = await rejectionOf(
      world.gatekeeper.retrieve(requestFor(world, ticket, { recordId: RECORD_ID })),
      GatekeeperError,
    );
    expect(error.code).to.equal('GATEKEEPER_TICKET_MISMATCH');
    expect(error.message).to.contain('rec-other').and.to.contain(RECORD_ID);
  });

  it('a ticket for another purpose names both purposes', async function () {
    const ticket = world.issue({ purpose: 'ETREAT', kind: 'break-glass' });
    const error = await rejectionOf(
      world.gatekeeper.retrieve(requestFor(world, ticket, { purpose: 'TREAT' })),
      GatekeeperError,
    );
    expect(error.code).to.equal('GATEKEEPER_PURPOSE_MISMATCH');
    expect(error.message).to.contain('ETREAT').and.to.contain('TREAT,').and.to.contain('purpose you read for');
  });

  it('an expired ticket names its expiry', async function () {
    const ticket = world.issue({ expiresAt: new Date(NOW).toISOString() });
    const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
    expect(error.code).to.equal('GATEKEEPER_TICKET_EXPIRED');
    expect(error.message).to.contain(ticket.ticketId).and.to.contain(ticket.expiresAt);
  });

  it('a record it does not hold is named', async function () {
    const ticket = world.issue({ recordId: 'rec-elsewhere' });
    const error = await rejectionOf(world.gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
    expect(error.code).to.equal('GATEKEEPER_RECORD_NOT_FOUND');
    expect(error.message).to.contain('rec-elsewhere');
  });
});

describe('gatekeeper: the proof check itself failing', function () {
  /** A verifier that accepts every request but whose full check fails with `failure`. */
  function failingVerifier(failure: Error): ProofVerifier {
    return {
      checkRequest: (proof) => proof as PossessionProof,
      verify: () => Promise.reject(failure),
      verifyReadRequest: () => Promise.reject(failure),
    };
  }

  async function retrieveWith(failure: Error): Promise<GatekeeperError> {
    const world = await createWorld();
    try {
      const gatekeeper = createGatekeeper({
        store: world.store,
        mspId: MSP,
        ledger: world.ledger.client,
        now: () => world.now,
        verifier: failingVerifier(failure),
      });
      const ticket = world.issue();
      return await rejectionOf(gatekeeper.retrieve(requestFor(world, ticket)), GatekeeperError);
    } finally {
      await world.store.close();
    }
  }

  it('a replay store that cannot record the proof is 503 with its cause; nothing is served', async function () {
    const failure = new StoreUnavailableError('database is locked');
    const error = await retrieveWith(failure);
    expect(error).to.include({ code: 'GATEKEEPER_STORE_UNAVAILABLE', status: 503 });
    expect(error.message).to.contain(failure.message).and.to.contain('retry shortly with a new proof');
    expect(error.cause).to.equal(failure);
  });

  it('any other failure of the check is a bad request (400), never "retry later"', async function () {
    const error = await retrieveWith(new TypeError('unexpected proof shape'));
    expect(error).to.include({ code: 'GATEKEEPER_BAD_REQUEST', status: 400 });
    expect(error.message).to.contain('the proof could not be checked').and.to.contain('unexpected proof shape');
  });

  it("without a verifier of its own, the gatekeeper's proofs are judged by its injected clock", async function () {
    const world = await createWorld();
    try {
      const gatekeeper = createGatekeeper({
        store: world.store,
        mspId: MSP,
        ledger: world.ledger.client,
        now: () => NOW,
      });
      const ticket = world.issue();
      const disclosure = await gatekeeper.retrieve(requestFor(world, ticket));
      expect(disclosure.recordId).to.equal(RECORD_ID);
    } finally {
      await world.store.close();
    }
  });
});

describe('proof verifier: edges', function () {
  const certificate = new crypto.X509Certificate(CLINICIAN_A_CERTIFICATE);
  const validFrom = Date.parse(certificate.validFrom);
  const validTo = Date.parse(certificate.validTo);
  const request = { ticketId: 'tkt-1', recordId: 'rec-1', purpose: 'TREAT' as const };

  function proofAt(nowMs: number): PossessionProof {
    return createPossessionProof({ ...request, privateKey: CLINICIAN_A_PRIVATE_KEY, now: () => nowMs });
  }

  function verifyAt(nowMs: number, proof = proofAt(nowMs)): Promise<PossessionProof> {
    return createProofVerifier({ now: () => nowMs }).verify(proof, {
      ...request,
      certificate: CLINICIAN_A_CERTIFICATE,
    });
  }

  it('refuses a certificate that is not yet valid, and accepts it from its first second', async function () {
    const early = await rejectionOf(verifyAt(validFrom - 1000), ProofCertificateError);
    expect(early.message).to.contain('not valid now').and.to.contain('Re-enrol the requester');
    await verifyAt(validFrom);
  });

  it('accepts a certificate in its last second, and refuses it after', async function () {
    await verifyAt(validTo);
    await rejectionOf(verifyAt(validTo + 1000), ProofCertificateError);
  });

  it('says why an unparseable or non-P-256 certificate is refused, keeping the parse error', async function () {
    const verifier = createProofVerifier({ now: () => NOW });
    const unparseable = await rejectionOf(
      verifier.verify(proofAt(NOW), { ...request, certificate: 'not a certificate' }),
      ProofCertificateError,
    );
    expect(unparseable.message).to.contain('cannot be parsed as X.509 PEM').and.to.contain('enrolment certificate');
    expect(unparseable.cause).to.be.instanceOf(Error);
    const p384Request = { ...request, recordId: 'rec-p384' };
    const p384 = createPossessionProof({ ...p384Request, privateKey: P384_USER_PRIVATE_KEY, now: () => NOW });
    const wrongKey = await rejectionOf(
      verifier.verify(p384, { ...p384Request, certificate: P384_USER_CERTIFICATE }),
      ProofCertificateError,
    );
    expect(wrongKey.message).to.contain('the only key type accepted').and.to.contain('(the Fabric CA default)');
  });

  it('refuses a nonce with anything before or after its 22 base64url characters', function () {
    const verifier = createProofVerifier({ now: () => NOW });
    const proof = proofAt(NOW);
    for (const nonce of [`A${proof.nonce}`, `${proof.nonce}A`, `+${proof.nonce.slice(1)}`]) {
      const error = thrownBy(() => verifier.checkRequest({ ...proof, nonce }, request), MalformedProofError);
      expect(error.field, nonce).to.equal('nonce');
      expect(error.message).to.contain("proof's nonce").and.to.contain('22 characters');
    }
  });

  it('names the malformed field and how to fix it', function () {
    const verifier = createProofVerifier({ now: () => NOW });
    const proof = proofAt(NOW);
    const cases: [string, unknown, string][] = [
      ['ticketId', { ...proof, ticketId: '' }, 'exactly as issued'],
      ['recordId', { ...proof, recordId: 'bad id' }, 'exactly as registered'],
      ['purpose', { ...proof, purpose: 'TREATMENT' }, 'PurposeOfUse code'],
      ['timestamp', { ...proof, timestamp: -1 }, 'milliseconds since the Unix epoch'],
      ['signature', { ...proof, signature: '' }, 'base64 DER ECDSA'],
      ['proof', [], 'must be an object with ticketId'],
    ];
    for (const [field, input, hint] of cases) {
      const error = thrownBy(() => verifier.checkRequest(input, request), MalformedProofError);
      expect(error.field, field).to.equal(field);
      expect(error.message, field).to.contain(hint);
      if (field !== 'proof') expect(error.message, field).to.contain(`proof's ${field}`);
    }
  });

  it('accepts a timestamp of 0 (the epoch) and refuses a negative one as malformed', function () {
    const verifier = createProofVerifier({ now: () => 0 });
    const proof = createPossessionProof({ ...request, privateKey: CLINICIAN_A_PRIVATE_KEY, now: () => 0 });
    expect(verifier.checkRequest(proof, request).timestamp).to.equal(0);
    const negative = thrownBy(() => verifier.checkRequest({ ...proof, timestamp: -1 }, request), MalformedProofError);
    expect(negative.field).to.equal('timestamp');
  });

  it('names the purpose when the proof was signed for another', function () {
    const verifier = createProofVerifier({ now: () => NOW });
    const error = thrownBy(
      () => verifier.checkRequest(proofAt(NOW), { ...request, purpose: 'HPAYMT' }),
      ProofMismatchError,
    );
    expect(error.message).to.contain("proof's purpose");
  });

  it('accepts the window bounds 1000 ms and 10 minutes exactly, and says the range when refusing', function () {
    createProofVerifier({ windowMs: 1000 });
    createProofVerifier({ windowMs: 600_000 });
    for (const windowMs of [999, 600_001]) {
      const error = thrownBy(() => createProofVerifier({ windowMs }), InvalidProofOptionError);
      expect(error.message).to.contain('from 1000 to 600000');
    }
  });
});
