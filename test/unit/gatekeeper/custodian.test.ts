import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { RecordAmendment, RecordInput, RecordPointer } from '../../../sdk/src/chaincode-types';
import {
  ChaincodeError,
  NetworkUnavailableError,
  TransactionInvalidError,
  type ChaincodeErrorCode,
} from '../../../sdk/src/errors';
import { InvalidFhirResourceError, toRecordContent } from '../../../sdk/src/fhir';
import { createCustodian, RecordAuthorMismatchError, type Custodian } from '../../../gatekeeper/src/custodian';
import type { Endorsed, MedrecClient, Submitted } from '../../../sdk/src/medrec-client';
import {
  InvalidStoreInputError,
  RecordConflictError,
  createSqliteRecordStore,
  type RecordStore,
} from '../../../gatekeeper/src/store';
import { examples } from '../fhir/support/examples';
import { createLegacySqliteTable } from '../store/support/legacy-tables';
import { rejectionOf } from '../store/support/rejection';

const MSP = 'Hospital1MSP';
const DOC_A = 'doc-a';
const DOC_B = 'doc-b';

/** A Fabric-shaped transaction id derived from a seed. */
const txIdOf = (seed: string): string => crypto.createHash('sha256').update(seed).digest('hex');

/** What the fake ledger does with a call: go ahead, refuse with a chaincode code, or fail like the network. */
type Outcome = 'ok' | ChaincodeErrorCode | 'unavailable' | 'mvcc';

interface FakeLedger {
  /** A client signing as the participant `signer`. */
  as(signer: string): MedrecClient;
  /** Every call in order, e.g. "endorse doc-a rec-1", "submit doc-a rec-1". */
  readonly calls: string[];
  readonly records: Map<string, RecordPointer>;
}

/** Which record a call is about: the registered id, or for an amendment the new version's id. */
type Decide = (call: { readonly recordId: string }) => Outcome;

/**
 * Records:RegisterRecord and AmendRecord as the chaincode behaves: registeredBy is the signer, an identical
 * re-registration (or re-amendment) returns the original pointer, a different body under an existing id is
 * MEDREC_CONFLICT, an amendment of a version already amended by another is MEDREC_CONFLICT, an amendment keeps the
 * amended record's patient. `endorse` / `submit` inject refusals and failures per call.
 */
function fakeLedger(behaviour: Readonly<{ endorse?: Decide; submit?: Decide }> = {}): FakeLedger {
  const records = new Map<string, RecordPointer>();
  const calls: string[] = [];
  const failure = (outcome: Outcome): Error | undefined => {
    if (outcome === 'ok') return undefined;
    if (outcome === 'unavailable') return new NetworkUnavailableError({ message: 'peers down' });
    if (outcome === 'mvcc') {
      return new TransactionInvalidError({ validationCode: 'MVCC_READ_CONFLICT', transactionId: txIdOf('mvcc') });
    }
    return new ChaincodeError({ code: outcome, message: `refused (${outcome})` });
  };
  const decide = (signer: string, input: RecordInput): RecordPointer => {
    const existing = records.get(input.recordId);
    if (existing !== undefined) {
      const same = (Object.keys(input) as (keyof RecordInput)[]).every((key) => existing[key] === input[key]);
      if (same) return existing;
      throw new ChaincodeError({ code: 'MEDREC_CONFLICT', message: `record ${input.recordId} exists` });
    }
    return {
      ...input,
      custodianMsp: MSP,
      version: 1,
      supersedes: null,
      supersededBy: null,
      registeredBy: signer,
      registeredAt: '2030-01-01T00:00:00.000Z',
      txId: txIdOf(input.recordId),
    };
  };
  const decideAmendment = (signer: string, input: RecordAmendment): RecordPointer => {
    const current = records.get(input.recordId);
    if (current === undefined) {
      throw new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: `no record ${input.recordId}` });
    }
    const replacement = records.get(input.newRecordId);
    if (current.supersededBy !== null) {
      if (current.supersededBy === input.newRecordId && replacement?.contentHash === input.contentHash) {
        return replacement;
      }
      throw new ChaincodeError({ code: 'MEDREC_CONFLICT', message: `record ${input.recordId} was already amended` });
    }
    if (replacement !== undefined) {
      throw new ChaincodeError({ code: 'MEDREC_CONFLICT', message: `record ${input.newRecordId} exists` });
    }
    return {
      recordId: input.newRecordId,
      patientId: current.patientId,
      custodianMsp: current.custodianMsp,
      category: input.category ?? current.category,
      contentHash: input.contentHash,
      locator: input.locator,
      version: current.version + 1,
      supersedes: current.recordId,
      supersededBy: null,
      registeredBy: signer,
      registeredAt: '2030-01-02T00:00:00.000Z',
      txId: txIdOf(input.newRecordId),
    };
  };
  const as = (signer: string): MedrecClient => {
    const decideRegistration = (input: RecordInput): Promise<RecordPointer> => {
      calls.push(`endorse ${signer} ${input.recordId}`);
      const failed = failure(behaviour.endorse?.(input) ?? 'ok');
      return failed === undefined ? Promise.resolve().then(() => decide(signer, input)) : Promise.reject(failed);
    };
    const registerRecord = (input: RecordInput): Promise<Submitted<RecordPointer>> => {
      calls.push(`submit ${signer} ${input.recordId}`);
      const failed = failure(behaviour.submit?.(input) ?? 'ok');
      if (failed !== undefined) return Promise.reject(failed);
      return Promise.resolve().then(() => {
        const isNew = !records.has(input.recordId);
        const pointer = decide(signer, input);
        records.set(input.recordId, pointer);
        // A re-registration is a transaction of its own that writes nothing.
        return { value: pointer, transactionId: isNew ? pointer.txId : txIdOf(`again ${input.recordId}`) };
      });
    };
    const decideAmendmentOf = (input: RecordAmendment): Promise<RecordPointer> => {
      calls.push(`endorse-amend ${signer} ${input.newRecordId}`);
      const failed = failure(behaviour.endorse?.({ recordId: input.newRecordId }) ?? 'ok');
      return failed === undefined
        ? Promise.resolve().then(() => decideAmendment(signer, input))
        : Promise.reject(failed);
    };
    const amendRecord = (input: RecordAmendment): Promise<Submitted<RecordPointer>> => {
      calls.push(`amend ${signer} ${input.newRecordId}`);
      const failed = failure(behaviour.submit?.({ recordId: input.newRecordId }) ?? 'ok');
      if (failed !== undefined) return Promise.reject(failed);
      return Promise.resolve().then(() => {
        const isNew = !records.has(input.newRecordId);
        const pointer = decideAmendment(signer, input);
        const current = records.get(input.recordId);
        if (current !== undefined) records.set(input.recordId, { ...current, supersededBy: pointer.recordId });
        records.set(input.newRecordId, pointer);
        return { value: pointer, transactionId: isNew ? pointer.txId : txIdOf(`again ${input.newRecordId}`) };
      });
    };
    // The endorsement is the decision ("endorse" calls); its submit() orders it ("submit" / "amend" calls).
    const endorseRegisterRecord = async (input: RecordInput): Promise<Endorsed<RecordPointer>> => {
      const result = await decideRegistration(input);
      return { result, transactionId: result.txId, submit: () => registerRecord(input) };
    };
    const endorseAmendRecord = async (input: RecordAmendment): Promise<Endorsed<RecordPointer>> => {
      const result = await decideAmendmentOf(input);
      return { result, transactionId: result.txId, submit: () => amendRecord(input) };
    };
    return { endorseRegisterRecord, registerRecord, endorseAmendRecord, amendRecord } as unknown as MedrecClient;
  };
  return { as, calls, records };
}

describe('custodian write path', function () {
  let store: RecordStore;
  let custodian: Custodian;
  beforeEach(async function () {
    store = await createSqliteRecordStore({ path: ':memory:' });
    custodian = createCustodian({ store, mspId: MSP });
  });
  afterEach(async function () {
    await store.close();
  });

  /** Leaves `recordId` stored but unregistered for `author`, as a network failure during the submit does. */
  async function storedUnregistered(author: string, recordId: string, resource: unknown): Promise<void> {
    const ledger = fakeLedger({ submit: () => 'unavailable' });
    const err = await custodian
      .storeAndRegister(ledger.as(author), resource, { recordId, authorId: author })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NetworkUnavailableError);
    expect(await store.get(recordId)).to.include({ registered: false, authorId: author });
  }

  describe('storeAndRegister', function () {
    it('asks the ledger first, stores the content with its author, and marks it registered', async function () {
      const ledger = fakeLedger();
      const [resource] = examples('pat-1');
      const { pointer, transactionId } = await custodian.storeAndRegister(ledger.as(DOC_A), resource, {
        recordId: 'rec-a',
        authorId: DOC_A,
      });
      expect(pointer.locator).to.equal('medrec-gatekeeper:Hospital1MSP/rec-a');
      expect(pointer.registeredBy).to.equal(DOC_A);
      expect(transactionId).to.equal(txIdOf('rec-a'));
      expect(ledger.calls).to.deep.equal(['endorse doc-a rec-a', 'submit doc-a rec-a']);
      expect(await store.get('rec-a')).to.include({
        registered: true,
        registrationTxId: txIdOf('rec-a'),
        authorId: DOC_A,
      });
    });

    it("submits the caller's endorsement of exactly this registration instead of endorsing again, and no other", async function () {
      const ledger = fakeLedger();
      const [resource] = examples('pat-1');
      const { pointer: first } = await custodian.storeAndRegister(ledger.as(DOC_A), resource, {
        recordId: 'rec-d0',
        authorId: DOC_A,
      });
      // The caller's endorsement, its result changed by `change`; its submit() is logged as "submit-given".
      const endorsedAs = (recordId: string, change: Partial<RecordPointer> = {}): Endorsed<RecordPointer> => {
        const locator = `medrec-gatekeeper:Hospital1MSP/${recordId}`;
        const { patientId, category, contentHash } = first;
        return {
          result: { ...first, recordId, locator, ...change },
          transactionId: txIdOf(recordId),
          submit: () => {
            ledger.calls.push(`submit-given ${recordId}`);
            return ledger.as(DOC_A).registerRecord({ recordId, patientId, category, contentHash, locator });
          },
        };
      };
      ledger.calls.length = 0;
      await custodian.storeAndRegister(ledger.as(DOC_A), resource, {
        recordId: 'rec-d1',
        authorId: DOC_A,
        endorsed: endorsedAs('rec-d1'),
      });
      expect(ledger.calls).to.deep.equal(['submit-given rec-d1', 'submit doc-a rec-d1']);
      // A decision about anything else than this registration by this author is not reused: the ledger is asked.
      const others: [string, Partial<RecordPointer>][] = [
        ['rec-d2', { recordId: 'rec-other' }],
        ['rec-d3', { contentHash: 'f'.repeat(64) }],
        ['rec-d4', { category: first.category === 'note' ? 'condition' : 'note' }],
        ['rec-d5', { locator: 'medrec-gatekeeper:Hospital1MSP/rec-other' }],
        ['rec-d6', { custodianMsp: 'Hospital2MSP' }],
        ['rec-d7', { registeredBy: DOC_B }],
        ['rec-d8', { patientId: 'pat-2' }],
        ['rec-d9', { supersedes: 'rec-d0' }],
      ];
      for (const [recordId, change] of others) {
        ledger.calls.length = 0;
        await custodian.storeAndRegister(ledger.as(DOC_A), resource, {
          recordId,
          authorId: DOC_A,
          endorsed: endorsedAs(recordId, change),
        });
        expect(ledger.calls, JSON.stringify(change)).to.deep.equal([
          `endorse doc-a ${recordId}`,
          `submit doc-a ${recordId}`,
        ]);
      }
    });

    it('generates a record id when none is given', async function () {
      const [resource] = examples('pat-1');
      const { pointer } = await custodian.storeAndRegister(fakeLedger().as(DOC_A), resource, { authorId: DOC_A });
      expect(pointer.recordId).to.match(/^rec-[0-9a-f-]{36}$/);
      expect((await store.get(pointer.recordId))?.authorId).to.equal(DOC_A);
    });

    it('stores nothing when the ledger refuses the caller, and never submits', async function () {
      const ledger = fakeLedger({ endorse: () => 'MEDREC_FORBIDDEN' });
      const [resource] = examples('pat-1');
      const err = await custodian
        .storeAndRegister(ledger.as('pat-1'), resource, { recordId: 'rec-p', authorId: 'pat-1' })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ChaincodeError).and.to.have.property('code', 'MEDREC_FORBIDDEN');
      expect(ledger.calls).to.deep.equal(['endorse pat-1 rec-p']);
      expect(await store.get('rec-p')).to.equal(undefined);
      expect((await store.listUnregistered()).records).to.deep.equal([]);
    });

    it('registers the same content for a clinician the ledger permits (next to the refusal above)', async function () {
      const [resource] = examples('pat-1');
      await custodian.storeAndRegister(fakeLedger().as(DOC_A), resource, { recordId: 'rec-p', authorId: DOC_A });
      expect(await store.get('rec-p')).to.include({ registered: true, authorId: DOC_A });
    });

    for (const code of [
      'MEDREC_FORBIDDEN',
      'MEDREC_INVALID_ARGUMENT',
      'MEDREC_NOT_FOUND',
      'MEDREC_CONFLICT',
    ] as const) {
      it(`discards the stored content when the submit is refused for good (${code}) and rethrows the refusal`, async function () {
        const ledger = fakeLedger({ submit: () => code });
        const [resource] = examples('pat-1');
        const err = await custodian
          .storeAndRegister(ledger.as(DOC_A), resource, { recordId: 'rec-r', authorId: DOC_A })
          .catch((e: unknown) => e);
        expect(err).to.be.instanceOf(ChaincodeError).and.to.have.property('code', code);
        expect(await store.get('rec-r')).to.equal(undefined);
        expect((await store.listUnregistered()).records).to.deep.equal([]);
      });
    }

    for (const failure of ['unavailable', 'mvcc', 'MEDREC_INTERNAL'] as const) {
      it(`keeps the content, unregistered, after a transient failure (${failure}) and completes on the author's retry`, async function () {
        const [resource] = examples('pat-1');
        const err = await custodian
          .storeAndRegister(fakeLedger({ submit: () => failure }).as(DOC_A), resource, {
            recordId: 'rec-t',
            authorId: DOC_A,
          })
          .catch((e: unknown) => e);
        expect(err).to.be.instanceOf(Error);
        expect(await store.get('rec-t')).to.include({ registered: false, authorId: DOC_A });
        await custodian.storeAndRegister(fakeLedger().as(DOC_A), resource, { recordId: 'rec-t', authorId: DOC_A });
        expect(await store.get('rec-t')).to.include({ registered: true, authorId: DOC_A });
      });
    }

    it("refuses another clinician's retry of the same record id without asking the ledger", async function () {
      const [resource] = examples('pat-1');
      await storedUnregistered(DOC_A, 'rec-b', resource);
      const ledger = fakeLedger();
      const error = await rejectionOf(
        custodian.storeAndRegister(ledger.as(DOC_B), resource, { recordId: 'rec-b', authorId: DOC_B }),
        RecordConflictError,
      );
      expect(error.reason).to.equal('author');
      expect(ledger.calls).to.deep.equal([]);
      expect(await store.get('rec-b')).to.include({ registered: false, authorId: DOC_A });
      // The author's own retry (the permit next to the refusal) completes it, credited to them.
      const { pointer } = await custodian.storeAndRegister(ledger.as(DOC_A), resource, {
        recordId: 'rec-b',
        authorId: DOC_A,
      });
      expect(pointer.registeredBy).to.equal(DOC_A);
    });

    it('refuses other content under an existing record id without asking the ledger', async function () {
      const [first, second] = examples('pat-1');
      await storedUnregistered(DOC_A, 'rec-c', first);
      const ledger = fakeLedger();
      const error = await rejectionOf(
        custodian.storeAndRegister(ledger.as(DOC_A), second, { recordId: 'rec-c', authorId: DOC_A }),
        RecordConflictError,
      );
      expect(error.reason).to.equal('content');
      expect(ledger.calls).to.deep.equal([]);
    });

    it('refuses an author id the signer does not have, storing nothing', async function () {
      const ledger = fakeLedger();
      const [resource] = examples('pat-1');
      const error = await rejectionOf(
        custodian.storeAndRegister(ledger.as(DOC_B), resource, { recordId: 'rec-m', authorId: DOC_A }),
        RecordAuthorMismatchError,
      );
      expect(error).to.include({ code: 'AUTHOR_MISMATCH', authorId: DOC_A, registeredBy: DOC_B });
      expect(ledger.calls).to.deep.equal(['endorse doc-b rec-m']);
      expect(await store.get('rec-m')).to.equal(undefined);
    });

    it('refuses a missing or malformed author id before the ledger or the store is used', async function () {
      const ledger = fakeLedger();
      const [resource] = examples('pat-1');
      for (const authorId of ['', 'doc a', undefined as unknown as string]) {
        const error = await rejectionOf(
          custodian.storeAndRegister(ledger.as(DOC_A), resource, { recordId: 'rec-i', authorId }),
          InvalidStoreInputError,
        );
        expect(error.field).to.equal('authorId');
      }
      expect(ledger.calls).to.deep.equal([]);
      expect(await store.get('rec-i')).to.equal(undefined);
    });

    it('answers a repeat of a completed call with the original registration, without a second transaction', async function () {
      const ledger = fakeLedger();
      const [resource] = examples('pat-1');
      const first = await custodian.storeAndRegister(ledger.as(DOC_A), resource, {
        recordId: 'rec-d',
        authorId: DOC_A,
      });
      const again = await custodian.storeAndRegister(ledger.as(DOC_A), resource, {
        recordId: 'rec-d',
        authorId: DOC_A,
      });
      expect(again).to.deep.equal(first);
      expect(ledger.calls.filter((call) => call.startsWith('submit'))).to.have.length(1);
    });

    it('completes a registration that reached the chain before a crash, under the original transaction', async function () {
      const [resource] = examples('pat-1');
      await storedUnregistered(DOC_A, 'rec-e', resource);
      const ledger = fakeLedger();
      const content = toRecordContent(resource);
      // The chain write committed; only markRegistered was lost.
      await ledger.as(DOC_A).registerRecord({
        recordId: 'rec-e',
        patientId: content.patientId,
        category: content.category,
        contentHash: content.contentHash,
        locator: 'medrec-gatekeeper:Hospital1MSP/rec-e',
      });
      await custodian.storeAndRegister(ledger.as(DOC_A), resource, { recordId: 'rec-e', authorId: DOC_A });
      expect(await store.get('rec-e')).to.include({ registered: true, registrationTxId: txIdOf('rec-e') });
    });
  });

  describe('storeAndAmend', function () {
    /** A ledger and store holding rec-v1 for pat-1, registered by DOC_A; `outcome` steers later calls. */
    async function registeredVersion(outcome: { endorse: Outcome; submit: Outcome }): Promise<FakeLedger> {
      const ledger = fakeLedger({ endorse: () => outcome.endorse, submit: () => outcome.submit });
      const [first] = examples('pat-1');
      await custodian.storeAndRegister(ledger.as(DOC_A), first, { recordId: 'rec-v1', authorId: DOC_A });
      ledger.calls.length = 0;
      return ledger;
    }
    const secondVersion = (patientId = 'pat-1'): unknown => examples(patientId)[1];

    it("submits the caller's endorsement of exactly this amendment, and endorses again one that replaces another version", async function () {
      const ledger = await registeredVersion({ endorse: 'ok', submit: 'ok' });
      const endorsed = await ledger.as(DOC_B).endorseAmendRecord({
        recordId: 'rec-v1',
        newRecordId: 'rec-v2',
        contentHash: toRecordContent(secondVersion()).contentHash,
        category: toRecordContent(secondVersion()).category,
        locator: 'medrec-gatekeeper:Hospital1MSP/rec-v2',
      });
      ledger.calls.length = 0;
      await custodian.storeAndAmend(ledger.as(DOC_B), secondVersion(), {
        recordId: 'rec-v2',
        authorId: DOC_B,
        supersedes: 'rec-v1',
        endorsed: { ...endorsed, result: { ...endorsed.result, supersedes: 'rec-v0' } },
      });
      expect(ledger.calls).to.deep.equal(['endorse-amend doc-b rec-v2', 'amend doc-b rec-v2']);
    });

    it('submits an amendment without a second endorsement when the caller has the endorsed one', async function () {
      const ledger = await registeredVersion({ endorse: 'ok', submit: 'ok' });
      const endorsed = await ledger.as(DOC_B).endorseAmendRecord({
        recordId: 'rec-v1',
        newRecordId: 'rec-v2',
        contentHash: toRecordContent(secondVersion()).contentHash,
        category: toRecordContent(secondVersion()).category,
        locator: 'medrec-gatekeeper:Hospital1MSP/rec-v2',
      });
      ledger.calls.length = 0;
      const { pointer } = await custodian.storeAndAmend(ledger.as(DOC_B), secondVersion(), {
        recordId: 'rec-v2',
        authorId: DOC_B,
        supersedes: 'rec-v1',
        endorsed,
      });
      expect(ledger.calls).to.deep.equal(['amend doc-b rec-v2']);
      expect(pointer).to.include({ recordId: 'rec-v2', supersedes: 'rec-v1' });
    });

    it('asks the ledger first, stores the new version naming the one it replaces, and submits the amendment', async function () {
      const ledger = await registeredVersion({ endorse: 'ok', submit: 'ok' });
      const { pointer, transactionId } = await custodian.storeAndAmend(ledger.as(DOC_B), secondVersion(), {
        recordId: 'rec-v2',
        authorId: DOC_B,
        supersedes: 'rec-v1',
      });
      expect(ledger.calls).to.deep.equal(['endorse-amend doc-b rec-v2', 'amend doc-b rec-v2']);
      expect(pointer).to.include({ recordId: 'rec-v2', supersedes: 'rec-v1', version: 2, registeredBy: DOC_B });
      expect(pointer.locator).to.equal('medrec-gatekeeper:Hospital1MSP/rec-v2');
      expect(transactionId).to.equal(txIdOf('rec-v2'));
      expect(await store.get('rec-v2')).to.include({ registered: true, supersedes: 'rec-v1', authorId: DOC_B });
      expect(ledger.records.get('rec-v1')?.supersededBy).to.equal('rec-v2');
      // The old version's content stays where it was: the ledger still points at it.
      expect(await store.get('rec-v1')).to.include({ registered: true, supersedes: undefined });
    });

    it('refuses content about another patient before storing it, and never submits', async function () {
      const ledger = await registeredVersion({ endorse: 'ok', submit: 'ok' });
      const err = await custodian
        .storeAndAmend(ledger.as(DOC_A), secondVersion('pat-2'), {
          recordId: 'rec-x',
          authorId: DOC_A,
          supersedes: 'rec-v1',
        })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(InvalidFhirResourceError);
      expect((err as Error).message).to.include('Patient/pat-1');
      expect(ledger.calls).to.deep.equal(['endorse-amend doc-a rec-x']);
      expect(await store.get('rec-x')).to.equal(undefined);
      expect(ledger.records.get('rec-v1')?.supersededBy).to.equal(null);
    });

    it('stores nothing when the ledger refuses the amendment, and never submits', async function () {
      const outcome: { endorse: Outcome; submit: Outcome } = { endorse: 'ok', submit: 'ok' };
      const ledger = await registeredVersion(outcome);
      outcome.endorse = 'MEDREC_FORBIDDEN';
      const err = await custodian
        .storeAndAmend(ledger.as('doc-other'), secondVersion(), {
          recordId: 'rec-f',
          authorId: 'doc-other',
          supersedes: 'rec-v1',
        })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ChaincodeError).and.to.have.property('code', 'MEDREC_FORBIDDEN');
      expect(ledger.calls).to.deep.equal(['endorse-amend doc-other rec-f']);
      expect(await store.get('rec-f')).to.equal(undefined);
    });

    it('refuses a second amendment of the same version (the ledger says conflict) and stores nothing', async function () {
      const ledger = await registeredVersion({ endorse: 'ok', submit: 'ok' });
      await custodian.storeAndAmend(ledger.as(DOC_A), secondVersion(), {
        recordId: 'rec-v2',
        authorId: DOC_A,
        supersedes: 'rec-v1',
      });
      const [, , third] = examples('pat-1');
      const err = await custodian
        .storeAndAmend(ledger.as(DOC_A), third, { recordId: 'rec-v2b', authorId: DOC_A, supersedes: 'rec-v1' })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ChaincodeError).and.to.have.property('code', 'MEDREC_CONFLICT');
      expect(await store.get('rec-v2b')).to.equal(undefined);
    });

    it('answers a repeated amendment with the first one, without a second transaction', async function () {
      const ledger = await registeredVersion({ endorse: 'ok', submit: 'ok' });
      const options = { recordId: 'rec-v2', authorId: DOC_A, supersedes: 'rec-v1' };
      const first = await custodian.storeAndAmend(ledger.as(DOC_A), secondVersion(), options);
      ledger.calls.length = 0;
      const again = await custodian.storeAndAmend(ledger.as(DOC_A), secondVersion(), options);
      expect(again.transactionId).to.equal(first.transactionId);
      expect(ledger.calls).to.deep.equal(['endorse-amend doc-a rec-v2']);
    });

    it('refuses reusing a stored id for an amendment of another version (content conflict, before the ledger)', async function () {
      const ledger = await registeredVersion({ endorse: 'ok', submit: 'ok' });
      const [resource] = examples('pat-1');
      // rec-v1 is stored as a first version; the same content as an amendment of something else is not the same row.
      const err = await custodian
        .storeAndAmend(ledger.as(DOC_A), resource, { recordId: 'rec-v1', authorId: DOC_A, supersedes: 'rec-v0' })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RecordConflictError).and.to.have.property('reason', 'content');
      expect(ledger.calls).to.deep.equal([]);
    });

    it('discards the new version when the amendment is refused for good at submit', async function () {
      const outcome: { endorse: Outcome; submit: Outcome } = { endorse: 'ok', submit: 'ok' };
      const ledger = await registeredVersion(outcome);
      outcome.submit = 'MEDREC_CONFLICT';
      const err = await custodian
        .storeAndAmend(ledger.as(DOC_A), secondVersion(), { recordId: 'rec-v2', authorId: DOC_A, supersedes: 'rec-v1' })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ChaincodeError).and.to.have.property('code', 'MEDREC_CONFLICT');
      expect(await store.get('rec-v2')).to.equal(undefined);
      expect(await store.get('rec-v1')).to.include({ registered: true });
    });

    it('keeps the new version after a transient failure, and completePending amends (not registers) it', async function () {
      const outcome: { endorse: Outcome; submit: Outcome } = { endorse: 'ok', submit: 'ok' };
      const ledger = await registeredVersion(outcome);
      outcome.submit = 'unavailable';
      const err = await custodian
        .storeAndAmend(ledger.as(DOC_A), secondVersion(), { recordId: 'rec-v2', authorId: DOC_A, supersedes: 'rec-v1' })
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(NetworkUnavailableError);
      expect(await store.get('rec-v2')).to.include({ registered: false, supersedes: 'rec-v1' });
      outcome.submit = 'ok';
      ledger.calls.length = 0;
      expect(await custodian.completePending(ledger.as(DOC_A), DOC_A)).to.deep.equal({ completed: 1, refused: [] });
      expect(ledger.calls).to.deep.equal(['endorse-amend doc-a rec-v2', 'amend doc-a rec-v2']);
      expect(ledger.records.get('rec-v2')).to.include({ supersedes: 'rec-v1', version: 2 });
      expect(await store.get('rec-v2')).to.include({ registered: true, registrationTxId: txIdOf('rec-v2') });
    });
  });

  describe('completePending', function () {
    it("registers only the runner's own records and leaves other clinicians' alone", async function () {
      const [mine, theirs] = examples('pat-2');
      await storedUnregistered(DOC_A, 'rec-mine', mine);
      await storedUnregistered(DOC_B, 'rec-theirs', theirs);
      const ledger = fakeLedger();
      const result = await custodian.completePending(ledger.as(DOC_A), DOC_A);
      expect(result.completed).to.equal(1);
      expect(result.refused).to.have.length(1);
      expect(result.refused[0]).to.include({ recordId: 'rec-theirs', code: 'NOT_AUTHOR', discarded: false });
      expect(ledger.calls.some((call) => call.includes('rec-theirs'))).to.equal(false);
      expect(await store.get('rec-mine')).to.include({ registered: true, authorId: DOC_A });
      expect(ledger.records.get('rec-mine')?.registeredBy).to.equal(DOC_A);
      expect(await store.get('rec-theirs')).to.include({ registered: false, authorId: DOC_B });
      // Their author completes theirs.
      expect(await custodian.completePending(ledger.as(DOC_B), DOC_B)).to.deep.equal({ completed: 1, refused: [] });
      expect(ledger.records.get('rec-theirs')?.registeredBy).to.equal(DOC_B);
    });

    it("refuses a runner claiming another clinician's author id, registering nothing", async function () {
      const [resource] = examples('pat-2');
      await storedUnregistered(DOC_A, 'rec-claimed', resource);
      const ledger = fakeLedger();
      const result = await custodian.completePending(ledger.as(DOC_B), DOC_A);
      expect(result.completed).to.equal(0);
      expect(result.refused).to.have.length(1);
      expect(result.refused[0]).to.include({ recordId: 'rec-claimed', code: 'AUTHOR_MISMATCH', discarded: false });
      expect(ledger.calls.filter((call) => call.startsWith('submit'))).to.deep.equal([]);
      expect(await store.get('rec-claimed')).to.include({ registered: false, authorId: DOC_A });
    });

    it('discards and reports records the ledger refuses for good, completing the others', async function () {
      const resources = examples('pat-2').slice(0, 3);
      for (const [i, resource] of resources.entries()) await storedUnregistered(DOC_A, `rec-${i}`, resource);
      const result = await custodian.completePending(
        fakeLedger({ endorse: (input) => (input.recordId === 'rec-0' ? 'MEDREC_INVALID_ARGUMENT' : 'ok') }).as(DOC_A),
        DOC_A,
      );
      expect(result.completed).to.equal(2);
      expect(result.refused).to.deep.equal([
        {
          recordId: 'rec-0',
          code: 'MEDREC_INVALID_ARGUMENT',
          message: 'refused (MEDREC_INVALID_ARGUMENT)',
          discarded: true,
        },
      ]);
      expect(await store.get('rec-0')).to.equal(undefined);
      expect(await store.get('rec-1')).to.include({ registered: true });
    });

    it('stops (without marking or discarding anything) when the network fails during a retry run', async function () {
      const [resource] = examples('pat-3');
      await storedUnregistered(DOC_A, 'rec-x', resource);
      const err = await custodian
        .completePending(fakeLedger({ submit: () => 'unavailable' }).as(DOC_A), DOC_A)
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(NetworkUnavailableError);
      expect(await store.get('rec-x')).to.include({ registered: false, authorId: DOC_A });
    });

    it('refuses a malformed runner id', async function () {
      const error = await rejectionOf(custodian.completePending(fakeLedger().as(DOC_A), ''), InvalidStoreInputError);
      expect(error.field).to.equal('authorId');
    });
  });

  describe('completePending on records stored before authors were recorded', function () {
    let directory: string;
    let legacyStore: RecordStore;
    let legacyCustodian: Custodian;
    const [resource] = examples('pat-4');

    beforeEach(async function () {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-custodian-'));
      const file = path.join(directory, 'records.sqlite');
      const content = toRecordContent(resource);
      createLegacySqliteTable(file, [
        {
          recordId: 'rec-old',
          patientId: content.patientId,
          category: content.category,
          resourceJson: content.canonicalJson,
          contentHash: content.contentHash,
        },
      ]);
      legacyStore = await createSqliteRecordStore({ path: file });
      legacyCustodian = createCustodian({ store: legacyStore, mspId: MSP });
    });

    afterEach(async function () {
      await legacyStore.close();
      fs.rmSync(directory, { recursive: true, force: true });
    });

    it('registers none of them by default (author unknown)', async function () {
      const ledger = fakeLedger();
      const result = await legacyCustodian.completePending(ledger.as(DOC_A), DOC_A);
      expect(result.completed).to.equal(0);
      expect(result.refused).to.have.length(1);
      expect(result.refused[0]).to.include({ recordId: 'rec-old', code: 'AUTHOR_UNKNOWN', discarded: false });
      expect(ledger.calls).to.deep.equal([]);
      expect(await legacyStore.get('rec-old')).to.include({ registered: false, authorId: undefined });
      // Nor by retrying the put of the same content.
      const error = await rejectionOf(
        legacyCustodian.storeAndRegister(ledger.as(DOC_A), resource, { recordId: 'rec-old', authorId: DOC_A }),
        RecordConflictError,
      );
      expect(error.reason).to.equal('author');
      expect(ledger.calls).to.deep.equal([]);
    });

    it('registers one an operator explicitly adopts, as the runner', async function () {
      const ledger = fakeLedger();
      const result = await legacyCustodian.completePending(ledger.as(DOC_A), DOC_A, { adopt: ['rec-old'] });
      expect(result).to.deep.equal({ completed: 1, refused: [] });
      expect(await legacyStore.get('rec-old')).to.include({ registered: true, authorId: DOC_A });
      expect(ledger.records.get('rec-old')?.registeredBy).to.equal(DOC_A);
    });
  });
});
