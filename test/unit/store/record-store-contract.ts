/**
 * The behaviour every RecordStore must have, run unchanged against each implementation (SQLite and PostgreSQL), so the
 * gatekeeper can switch stores without a behaviour change.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import {
  InvalidStoreInputError,
  MAX_LIST_LIMIT,
  RecordAlreadyRegisteredError,
  RecordConflictError,
  RecordNotFoundError,
  StoreClosedError,
  type NewRecord,
  type RecordStore,
  type StoredRecord,
} from '../../../gatekeeper/src/store';
import type { LegacyRecord } from './support/legacy-tables';
import { rejectionOf } from './support/rejection';

/** A place a store keeps its data (a file, a schema). Opening it twice gives two handles on the same data. */
export interface StoreLocation {
  open(clock?: () => Date): Promise<RecordStore>;
  /**
   * Creates the table as store versions before authors were recorded created it (no author column), holding
   * `records`. Only on a location no store has opened yet.
   */
  createLegacyTable(records: readonly LegacyRecord[]): Promise<void>;
  destroy(): Promise<void>;
}

export interface RecordStoreHarness {
  /** Runs once before the suite; throw to fail the whole suite (e.g. the database is unreachable). */
  setUp?(): Promise<void>;
  /** A fresh, empty location, private to one test. */
  newLocation(): Promise<StoreLocation>;
  tearDown?(): Promise<void>;
}

function freshId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

function freshTxId(): string {
  return crypto.randomBytes(32).toString('hex');
}

function newRecord(overrides: Partial<NewRecord> = {}): NewRecord {
  const resource = {
    resourceType: 'Condition',
    id: crypto.randomUUID(),
    note: [{ text: 'Patient reports "ça va" 😀' }],
  };
  return {
    recordId: freshId('rec'),
    patientId: freshId('pat'),
    category: 'condition',
    resourceJson: JSON.stringify(resource),
    contentHash: crypto.randomBytes(32).toString('hex'),
    authorId: freshId('doc'),
    ...overrides,
  };
}

/** `record` as a pre-author table held it. */
function legacy(record: NewRecord, registrationTxId?: string): LegacyRecord {
  const rest = {
    recordId: record.recordId,
    patientId: record.patientId,
    category: record.category,
    resourceJson: record.resourceJson,
    contentHash: record.contentHash,
  };
  return registrationTxId === undefined ? rest : { ...rest, registrationTxId };
}

async function putAll(store: RecordStore, records: readonly NewRecord[]): Promise<void> {
  // Sequential on purpose: list order is insertion order, which the paging tests check.
  for (const record of records) await store.put(record);
}

async function collectPages(
  fetch: (cursor: string | undefined) => Promise<{
    records: readonly StoredRecord[];
    nextCursor: string | undefined;
  }>,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(cursor);
    pages += 1;
    ids.push(...page.records.map((record) => record.recordId));
    cursor = page.nextCursor;
    expect(pages, 'paging must terminate').to.be.at.most(50);
  } while (cursor !== undefined);
  return { ids, pages };
}

export function recordStoreContract(name: string, harness: RecordStoreHarness): void {
  describe(`RecordStore contract: ${name}`, function () {
    let location: StoreLocation;
    let store: RecordStore;
    const fixedNow = new Date('2030-01-02T03:04:05.678Z');

    before(async function () {
      await harness.setUp?.();
    });

    after(async function () {
      await harness.tearDown?.();
    });

    beforeEach(async function () {
      location = await harness.newLocation();
      store = await location.open(() => fixedNow);
    });

    afterEach(async function () {
      await store.close();
      await location.destroy();
    });

    describe('put and get', function () {
      it('returns the stored record, unregistered, with the content byte for byte', async function () {
        const record = newRecord({
          resourceJson: '{"resourceType":"Observation","valueString":"\'; DROP TABLE x; --"}',
        });
        const stored = await store.put(record);
        expect(stored).to.deep.include(record);
        expect(stored.registered).to.be.false;
        expect(stored.registrationTxId).to.be.undefined;
        expect(stored.storedAt.toISOString()).to.equal(fixedNow.toISOString());
        expect(await store.get(record.recordId)).to.deep.equal(stored);
      });

      it('keeps non-ASCII content exactly', async function () {
        const record = newRecord();
        await store.put(record);
        expect((await store.get(record.recordId))?.resourceJson).to.equal(record.resourceJson);
      });

      it('returns undefined for an unknown record id', async function () {
        expect(await store.get(freshId('missing'))).to.be.undefined;
      });

      it('treats a repeated put of the same record as a no-op (a retried write)', async function () {
        const record = newRecord();
        const first = await store.put(record);
        const second = await store.put(record);
        expect(second).to.deep.equal(first);
        const page = await store.listByPatient(record.patientId);
        expect(page.records.map((r) => r.recordId)).to.deep.equal([record.recordId]);
      });

      it('settles concurrent puts of the same record on one row', async function () {
        const record = newRecord();
        const results = await Promise.all([store.put(record), store.put(record), store.put(record)]);
        for (const result of results) expect(result).to.deep.equal(results[0]);
        expect((await store.listByPatient(record.patientId)).records).to.have.length(1);
      });

      it('refuses different content under an existing record id and keeps the original', async function () {
        const record = newRecord();
        await store.put(record);
        const changed = { ...record, contentHash: crypto.randomBytes(32).toString('hex') };
        const error = await rejectionOf(store.put(changed), RecordConflictError);
        expect(error.code).to.equal('STORE_RECORD_CONFLICT');
        expect(error.recordId).to.equal(record.recordId);
        expect((await store.get(record.recordId))?.contentHash).to.equal(record.contentHash);
      });

      it('refuses another patient under an existing record id', async function () {
        const record = newRecord();
        await store.put(record);
        await rejectionOf(store.put({ ...record, patientId: freshId('pat') }), RecordConflictError);
      });

      const invalidInputs: [string, Partial<NewRecord>][] = [
        ['recordId', { recordId: '' }],
        ['recordId', { recordId: 'has space' }],
        ['patientId', { patientId: 'a/b' }],
        // A category the ledger does not know, as an untyped caller could send it.
        ['category', { category: 'Condition!' as NewRecord['category'] }],
        ['contentHash', { contentHash: 'abc' }],
        ['contentHash', { contentHash: 'A'.repeat(64) }],
        ['resourceJson', { resourceJson: 'not json' }],
        ['resourceJson', { resourceJson: '[1,2]' }],
        ['resourceJson', { resourceJson: '' }],
        ['authorId', { authorId: '' }],
        ['authorId', { authorId: 'Dr. Who <who@example.org>' }],
      ];
      for (const [field, override] of invalidInputs) {
        it(`refuses an invalid ${field} (${JSON.stringify(Object.values(override)[0])}) and stores nothing`, async function () {
          const record = newRecord(override);
          const error = await rejectionOf(store.put(record), InvalidStoreInputError);
          expect(error.code).to.equal('STORE_INVALID_INPUT');
          expect(error.field).to.equal(field);
          expect(error.message).to.match(/must/);
          if (field !== 'recordId') expect(await store.get(record.recordId)).to.be.undefined;
        });
      }
    });

    describe('amendments (supersedes)', function () {
      it('stores the version a record replaces and returns it; a first version has none', async function () {
        const first = newRecord();
        const second = newRecord({ patientId: first.patientId, supersedes: first.recordId });
        expect((await store.put(first)).supersedes).to.be.undefined;
        expect((await store.put(second)).supersedes).to.equal(first.recordId);
        expect((await store.get(second.recordId))?.supersedes).to.equal(first.recordId);
        expect((await store.listUnregistered()).records.map((r) => r.supersedes)).to.deep.equal([
          undefined,
          first.recordId,
        ]);
      });

      it('treats a repeated put of the same amendment as a no-op, but refuses it as another version', async function () {
        const amendment = newRecord({ supersedes: freshId('rec') });
        await store.put(amendment);
        expect((await store.put(amendment)).supersedes).to.equal(amendment.supersedes);
        const elsewhere = { ...amendment, supersedes: freshId('rec') };
        expect((await rejectionOf(store.put(elsewhere), RecordConflictError)).reason).to.equal('content');
        const asFirstVersion: NewRecord = {
          recordId: amendment.recordId,
          patientId: amendment.patientId,
          category: amendment.category,
          resourceJson: amendment.resourceJson,
          contentHash: amendment.contentHash,
          authorId: amendment.authorId,
        };
        expect((await rejectionOf(store.put(asFirstVersion), RecordConflictError)).reason).to.equal('content');
        expect((await store.get(amendment.recordId))?.supersedes).to.equal(amendment.supersedes);
      });

      it('refuses a record that amends itself or names an invalid version, and stores nothing', async function () {
        const record = newRecord();
        const self = await rejectionOf(store.put({ ...record, supersedes: record.recordId }), InvalidStoreInputError);
        expect(self.field).to.equal('supersedes');
        const invalid = await rejectionOf(store.put({ ...record, supersedes: '../x' }), InvalidStoreInputError);
        expect(invalid.field).to.equal('supersedes');
        expect(await store.get(record.recordId)).to.be.undefined;
      });
    });

    describe('authors', function () {
      it('stores the author with the record and returns it', async function () {
        const record = newRecord();
        expect((await store.put(record)).authorId).to.equal(record.authorId);
        expect((await store.get(record.recordId))?.authorId).to.equal(record.authorId);
        expect((await store.listUnregistered()).records.map((r) => r.authorId)).to.deep.equal([record.authorId]);
      });

      it('treats a repeated put by the same author as a no-op, but refuses the same record from another author', async function () {
        const record = newRecord();
        await store.put(record);
        expect((await store.put(record)).authorId).to.equal(record.authorId);
        const error = await rejectionOf(store.put({ ...record, authorId: freshId('doc') }), RecordConflictError);
        expect(error.code).to.equal('STORE_RECORD_CONFLICT');
        expect(error.reason).to.equal('author');
        expect(error.message).to.match(/only the clinician who stored it/i);
        expect((await store.get(record.recordId))?.authorId).to.equal(record.authorId);
      });

      it('reports other content under the id as a content conflict, whoever sends it', async function () {
        const record = newRecord();
        await store.put(record);
        const changed = { ...record, contentHash: crypto.randomBytes(32).toString('hex') };
        expect((await rejectionOf(store.put(changed), RecordConflictError)).reason).to.equal('content');
        const byOther = { ...changed, authorId: freshId('doc') };
        expect((await rejectionOf(store.put(byOther), RecordConflictError)).reason).to.equal('content');
      });

      it('lets assignAuthor repeat the current author but never replace it', async function () {
        const record = newRecord();
        await store.put(record);
        expect((await store.assignAuthor(record.recordId, record.authorId)).authorId).to.equal(record.authorId);
        const error = await rejectionOf(store.assignAuthor(record.recordId, freshId('doc')), RecordConflictError);
        expect(error.reason).to.equal('author');
        expect((await store.get(record.recordId))?.authorId).to.equal(record.authorId);
      });

      it('refuses assignAuthor for an unknown record or an invalid author', async function () {
        await rejectionOf(store.assignAuthor(freshId('missing'), freshId('doc')), RecordNotFoundError);
        const record = newRecord();
        await store.put(record);
        const error = await rejectionOf(store.assignAuthor(record.recordId, 'a b'), InvalidStoreInputError);
        expect(error.field).to.equal('authorId');
      });
    });

    describe('discardUnregistered', function () {
      it('removes an unregistered record, content and all, and leaves the others', async function () {
        const patientId = freshId('pat');
        const [refused, kept] = [newRecord({ patientId }), newRecord({ patientId })];
        await putAll(store, [refused, kept]);
        expect(await store.discardUnregistered(refused.recordId)).to.be.true;
        expect(await store.get(refused.recordId)).to.be.undefined;
        expect((await store.listUnregistered()).records.map((r) => r.recordId)).to.deep.equal([kept.recordId]);
        expect((await store.listByPatient(patientId)).records.map((r) => r.recordId)).to.deep.equal([kept.recordId]);
        // Nothing of it is left to conflict with: the same id can be stored afresh.
        expect((await store.put(refused)).recordId).to.equal(refused.recordId);
      });

      it('never removes a registered record', async function () {
        const record = newRecord();
        await store.put(record);
        const txId = freshTxId();
        await store.markRegistered(record.recordId, txId);
        const error = await rejectionOf(store.discardUnregistered(record.recordId), RecordAlreadyRegisteredError);
        expect(error.registrationTxId).to.equal(txId);
        expect((await store.get(record.recordId))?.registrationTxId).to.equal(txId);
      });

      it('answers false for a record it does not hold, and refuses an invalid id', async function () {
        expect(await store.discardUnregistered(freshId('missing'))).to.be.false;
        const error = await rejectionOf(store.discardUnregistered('a/b'), InvalidStoreInputError);
        expect(error.field).to.equal('recordId');
      });

      it('makes a later markRegistered fail rather than register content that is gone', async function () {
        const record = newRecord();
        await store.put(record);
        await store.discardUnregistered(record.recordId);
        await rejectionOf(store.markRegistered(record.recordId, freshTxId()), RecordNotFoundError);
      });
    });

    describe('migration of a table created before authors were recorded', function () {
      let legacyLocation: StoreLocation;
      let migrated: RecordStore | undefined;
      const unregistered = newRecord();
      const registered = newRecord();
      const registrationTxId = freshTxId();

      beforeEach(async function () {
        legacyLocation = await harness.newLocation();
        await legacyLocation.createLegacyTable([legacy(unregistered), legacy(registered, registrationTxId)]);
        migrated = await legacyLocation.open();
      });

      afterEach(async function () {
        await migrated?.close();
        await legacyLocation.destroy();
      });

      const opened = (): RecordStore => {
        if (migrated === undefined) throw new Error('the migrated store did not open');
        return migrated;
      };

      it('keeps every existing row and registration, with the author unknown', async function () {
        const kept = await opened().get(unregistered.recordId);
        expect(kept).to.deep.include(legacy(unregistered));
        expect(kept?.authorId).to.be.undefined;
        // Rows from before amendments existed are first versions.
        expect(kept?.supersedes).to.be.undefined;
        expect(kept?.registered).to.be.false;
        const done = await opened().get(registered.recordId);
        expect(done?.registrationTxId).to.equal(registrationTxId);
        expect(done?.authorId).to.be.undefined;
        expect((await opened().listUnregistered()).records.map((r) => r.recordId)).to.deep.equal([
          unregistered.recordId,
        ]);
      });

      it('lets no author claim a record of unknown author by putting it again', async function () {
        const error = await rejectionOf(opened().put(unregistered), RecordConflictError);
        expect(error.reason).to.equal('author');
        expect((await opened().get(unregistered.recordId))?.authorId).to.be.undefined;
      });

      it('names the author only by assignAuthor, once, and then the author may retry the put', async function () {
        const assigned = await opened().assignAuthor(unregistered.recordId, unregistered.authorId);
        expect(assigned.authorId).to.equal(unregistered.authorId);
        expect((await opened().put(unregistered)).authorId).to.equal(unregistered.authorId);
        const error = await rejectionOf(
          opened().assignAuthor(unregistered.recordId, freshId('doc')),
          RecordConflictError,
        );
        expect(error.reason).to.equal('author');
      });

      it('refuses to name an author for a record that is already registered', async function () {
        await rejectionOf(opened().assignAuthor(registered.recordId, freshId('doc')), RecordAlreadyRegisteredError);
        expect((await opened().get(registered.recordId))?.authorId).to.be.undefined;
      });

      it('stores new records with their author, and opening again migrates nothing twice', async function () {
        const record = newRecord();
        await opened().put(record);
        await opened().close();
        const [again, alsoAgain] = await Promise.all([legacyLocation.open(), legacyLocation.open()]);
        await alsoAgain.close();
        migrated = again;
        expect((await opened().get(record.recordId))?.authorId).to.equal(record.authorId);
        expect((await opened().get(unregistered.recordId))?.authorId).to.be.undefined;
      });
    });

    describe('markRegistered', function () {
      it('records the transaction id and leaves the content unchanged', async function () {
        const record = newRecord();
        await store.put(record);
        const txId = freshTxId();
        const marked = await store.markRegistered(record.recordId, txId);
        expect(marked.registered).to.be.true;
        expect(marked.registrationTxId).to.equal(txId);
        expect(marked).to.deep.include(record);
        expect(await store.get(record.recordId)).to.deep.equal(marked);
      });

      it('is idempotent for the same transaction id', async function () {
        const record = newRecord();
        await store.put(record);
        const txId = freshTxId();
        const first = await store.markRegistered(record.recordId, txId);
        expect(await store.markRegistered(record.recordId, txId)).to.deep.equal(first);
      });

      it('refuses a second registration under another transaction id', async function () {
        const record = newRecord();
        await store.put(record);
        const txId = freshTxId();
        await store.markRegistered(record.recordId, txId);
        const error = await rejectionOf(
          store.markRegistered(record.recordId, freshTxId()),
          RecordAlreadyRegisteredError,
        );
        expect(error.code).to.equal('STORE_ALREADY_REGISTERED');
        expect(error.registrationTxId).to.equal(txId);
        expect((await store.get(record.recordId))?.registrationTxId).to.equal(txId);
      });

      it('refuses an unknown record', async function () {
        const error = await rejectionOf(store.markRegistered(freshId('missing'), freshTxId()), RecordNotFoundError);
        expect(error.code).to.equal('STORE_RECORD_NOT_FOUND');
      });

      it('refuses a malformed transaction id', async function () {
        const record = newRecord();
        await store.put(record);
        const error = await rejectionOf(store.markRegistered(record.recordId, 'tx-1'), InvalidStoreInputError);
        expect(error.field).to.equal('txId');
        expect((await store.get(record.recordId))?.registered).to.be.false;
      });
    });

    describe('listUnregistered', function () {
      it('lists only unregistered records, oldest first', async function () {
        const records = [newRecord(), newRecord(), newRecord(), newRecord()];
        await putAll(store, records);
        await store.markRegistered(records[1]!.recordId, freshTxId());
        const page = await store.listUnregistered();
        expect(page.records.map((r) => r.recordId)).to.deep.equal(
          [records[0], records[2], records[3]].map((r) => r!.recordId),
        );
        expect(page.records.every((r) => !r.registered)).to.be.true;
        expect(page.nextCursor).to.be.undefined;
      });

      it('pages through every unregistered record exactly once', async function () {
        const records = Array.from({ length: 7 }, () => newRecord());
        await putAll(store, records);
        const { ids, pages } = await collectPages((cursor) =>
          store.listUnregistered({ limit: 3, ...(cursor === undefined ? {} : { cursor }) }),
        );
        expect(ids).to.deep.equal(records.map((r) => r.recordId));
        expect(pages).to.equal(3);
      });

      it('is empty when everything is registered', async function () {
        const record = newRecord();
        await store.put(record);
        await store.markRegistered(record.recordId, freshTxId());
        expect((await store.listUnregistered()).records).to.deep.equal([]);
      });
    });

    describe('listRegistered', function () {
      it('pages through every registered record exactly once, oldest first, and never an unregistered one', async function () {
        const records = Array.from({ length: 7 }, () => newRecord());
        await putAll(store, records);
        const registered = [records[0]!, records[2]!, records[3]!, records[6]!];
        for (const record of registered) await store.markRegistered(record.recordId, freshTxId());
        const { ids } = await collectPages((cursor) =>
          store.listRegistered({ limit: 2, ...(cursor === undefined ? {} : { cursor }) }),
        );
        const mine = new Set(records.map((r) => r.recordId));
        expect(ids.filter((id) => mine.has(id))).to.deep.equal(registered.map((r) => r.recordId));
      });
    });

    describe('listByPatient', function () {
      it("returns only that patient's records, oldest first, paged", async function () {
        const patientId = freshId('pat');
        const mine = Array.from({ length: 5 }, () => newRecord({ patientId }));
        const others = [newRecord(), newRecord()];
        await putAll(store, [mine[0]!, others[0]!, mine[1]!, mine[2]!, others[1]!, mine[3]!, mine[4]!]);
        const { ids, pages } = await collectPages((cursor) =>
          store.listByPatient(patientId, { limit: 2, ...(cursor === undefined ? {} : { cursor }) }),
        );
        expect(ids).to.deep.equal(mine.map((r) => r.recordId));
        expect(pages).to.equal(3);
      });

      it('returns an empty page for a patient with no records', async function () {
        const page = await store.listByPatient(freshId('pat'));
        expect(page.records).to.deep.equal([]);
        expect(page.nextCursor).to.be.undefined;
      });

      it('says no next page when the last page is exactly full', async function () {
        const patientId = freshId('pat');
        await putAll(store, [newRecord({ patientId }), newRecord({ patientId })]);
        const page = await store.listByPatient(patientId, { limit: 2 });
        expect(page.records).to.have.length(2);
        // A cursor here is allowed but must lead to an empty page; no cursor is better. Both stores give none.
        expect(page.nextCursor).to.be.undefined;
      });

      for (const limit of [0, -1, 1.5, MAX_LIST_LIMIT + 1, Number.NaN]) {
        it(`refuses limit ${limit}`, async function () {
          const error = await rejectionOf(store.listByPatient(freshId('pat'), { limit }), InvalidStoreInputError);
          expect(error.field).to.equal('limit');
        });
      }

      it('accepts the maximum limit', async function () {
        const page = await store.listUnregistered({ limit: MAX_LIST_LIMIT });
        expect(page.records).to.deep.equal([]);
      });

      for (const cursor of ['', 'abc', '-1', '1e3', '9'.repeat(19)]) {
        it(`refuses the cursor ${JSON.stringify(cursor)}`, async function () {
          const error = await rejectionOf(store.listUnregistered({ cursor }), InvalidStoreInputError);
          expect(error.field).to.equal('cursor');
        });
      }
    });

    describe('demographics (for trend strata; never on the ledger)', function () {
      it('stores, replaces and pages through every patient exactly once, in patient id order', async function () {
        const ids = Array.from({ length: 5 }, (_, i) => `dem-${String(i)}-${crypto.randomUUID()}`);
        for (const [i, patientId] of ids.entries()) {
          await store.putDemographics({
            patientId,
            birthDate: i === 0 ? undefined : `19${String(50 + i)}-02-28`,
            sex: i === 1 ? undefined : 'female',
          });
        }
        // A correction replaces what was known, including back to unknown.
        await store.putDemographics({ patientId: ids[2] ?? '', birthDate: '2000-02-29', sex: 'other' });
        await store.putDemographics({ patientId: ids[3] ?? '', birthDate: undefined, sex: undefined });
        const seen: { patientId: string; birthDate: string | undefined; sex: string | undefined }[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listDemographics({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
          expect(page.items.length).to.be.at.most(2);
          seen.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(seen.map((d) => d.patientId)).to.deep.equal([...ids].sort());
        const byId = new Map(seen.map((d) => [d.patientId, d]));
        expect(byId.get(ids[0] ?? '')).to.deep.equal({ patientId: ids[0], birthDate: undefined, sex: 'female' });
        expect(byId.get(ids[1] ?? '')).to.deep.equal({ patientId: ids[1], birthDate: '1951-02-28', sex: undefined });
        expect(byId.get(ids[2] ?? '')).to.deep.equal({ patientId: ids[2], birthDate: '2000-02-29', sex: 'other' });
        expect(byId.get(ids[3] ?? '')).to.deep.equal({ patientId: ids[3], birthDate: undefined, sex: undefined });
      });

      for (const [field, bad] of [
        ['patientId', { patientId: 'bad id' }],
        ['birthDate', { birthDate: '2001-02-29' }],
        ['birthDate', { birthDate: '12/03/1990' }],
        ['sex', { sex: 'unknown' }],
      ] as const) {
        it(`refuses an invalid ${field} (${JSON.stringify(Object.values(bad)[0])}) and stores nothing`, async function () {
          const input: Record<string, string> = { patientId: freshId('pat'), birthDate: '1990-01-01', sex: 'male' };
          Object.assign(input, bad);
          const error = await rejectionOf(
            store.putDemographics(input as Parameters<RecordStore['putDemographics']>[0]),
            InvalidStoreInputError,
          );
          expect(error.field).to.equal(field);
          expect((await store.listDemographics()).items).to.deep.equal([]);
        });
      }

      it('refuses a cursor that is not a patient id', async function () {
        await rejectionOf(store.listDemographics({ cursor: "x' OR 1=1 --" }), InvalidStoreInputError);
      });
    });

    describe('lifecycle', function () {
      it('keeps records and registrations across close and reopen', async function () {
        const record = newRecord();
        await store.put(record);
        const txId = freshTxId();
        await store.markRegistered(record.recordId, txId);
        const unregistered = newRecord();
        await store.put(unregistered);
        await store.close();
        store = await location.open();
        expect((await store.get(record.recordId))?.registrationTxId).to.equal(txId);
        expect((await store.listUnregistered()).records.map((r) => r.recordId)).to.deep.equal([unregistered.recordId]);
      });

      it('refuses every call after close', async function () {
        const record = newRecord();
        await store.put(record);
        await store.close();
        const error = await rejectionOf(store.get(record.recordId), StoreClosedError);
        expect(error.code).to.equal('STORE_CLOSED');
        await rejectionOf(store.put(newRecord()), StoreClosedError);
        await rejectionOf(store.listUnregistered(), StoreClosedError);
        await rejectionOf(store.discardUnregistered(record.recordId), StoreClosedError);
        await rejectionOf(store.assignAuthor(record.recordId, record.authorId), StoreClosedError);
        await store.close(); // closing twice is harmless, so afterEach can always close
      });
    });
  });
}
