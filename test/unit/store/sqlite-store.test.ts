import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreUnavailableError, createSqliteRecordStore } from '../../../gatekeeper/src/store';
import { recordStoreContract } from './record-store-contract';
import { createLegacySqliteTable } from './support/legacy-tables';
import { rejectionOf } from './support/rejection';

let runDirectory = '';

recordStoreContract('SQLite (file)', {
  setUp() {
    runDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-sqlite-store-'));
    return Promise.resolve();
  },
  newLocation() {
    const file = path.join(runDirectory, `${crypto.randomUUID()}.sqlite`);
    return Promise.resolve({
      open: (clock?: () => Date) =>
        createSqliteRecordStore(clock === undefined ? { path: file } : { path: file, clock }),
      createLegacyTable: (records) => {
        createLegacySqliteTable(file, records);
        return Promise.resolve();
      },
      destroy: () => Promise.resolve(),
    });
  },
  tearDown() {
    fs.rmSync(runDirectory, { recursive: true, force: true });
    return Promise.resolve();
  },
});

describe('SQLite record store specifics', function () {
  it('fails with StoreUnavailableError when the directory does not exist', async function () {
    const missing = path.join(os.tmpdir(), `medrec-missing-${crypto.randomUUID()}`, 'records.sqlite');
    const error = await rejectionOf(createSqliteRecordStore({ path: missing }), StoreUnavailableError);
    expect(error.code).to.equal('STORE_UNAVAILABLE');
    expect(error.message).to.include('writable');
  });

  it("keeps ':memory:' stores private to each handle", async function () {
    const first = await createSqliteRecordStore({ path: ':memory:' });
    const second = await createSqliteRecordStore({ path: ':memory:' });
    try {
      const hash = crypto.randomBytes(32).toString('hex');
      await first.put({
        recordId: `rec-${crypto.randomUUID()}`,
        patientId: 'pat-1',
        category: 'condition',
        resourceJson: '{"resourceType":"Condition"}',
        contentHash: hash,
        authorId: 'doc-1',
      });
      expect((await first.listByPatient('pat-1')).records).to.have.length(1);
      expect((await second.listByPatient('pat-1')).records).to.have.length(0);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
