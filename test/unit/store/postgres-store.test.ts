/**
 * Runs the store contract against the real PostgreSQL server. Each test gets its own schema under a random per-run
 * prefix, dropped afterwards, so concurrent runs never see each other's rows. An unreachable server fails the suite.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import pg from 'pg';
import {
  InvalidStoreInputError,
  StoreUnavailableError,
  createPostgresRecordStore,
} from '../../../gatekeeper/src/store';
import { recordStoreContract } from './record-store-contract';
import { createLegacyPostgresTable } from './support/legacy-tables';
import { rejectionOf } from './support/rejection';

const connectionString = process.env.MEDREC_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const runPrefix = `medrec_test_${crypto.randomBytes(6).toString('hex')}`;
let schemaCounter = 0;
let admin: pg.Client | undefined;

async function dropSchema(schema: string): Promise<void> {
  if (admin === undefined) throw new Error('the PostgreSQL admin connection is not open');
  await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
}

async function connectAdmin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${connectionString} (${error instanceof Error ? error.message : String(error)}). ` +
        'Start the server (trust auth, database "test") or point MEDREC_TEST_PG_URL at one.',
      { cause: error },
    );
  }
}

recordStoreContract('PostgreSQL', {
  async setUp() {
    admin = await connectAdmin();
  },
  newLocation() {
    schemaCounter += 1;
    const schema = `${runPrefix}_${schemaCounter}`;
    return Promise.resolve({
      open: (clock?: () => Date) =>
        createPostgresRecordStore(
          clock === undefined ? { connectionString, schema } : { connectionString, schema, clock },
        ),
      createLegacyTable: (records) => {
        if (admin === undefined) throw new Error('the PostgreSQL admin connection is not open');
        return createLegacyPostgresTable(admin, schema, records);
      },
      destroy: () => dropSchema(schema),
    });
  },
  async tearDown() {
    if (admin === undefined) return;
    // Drop anything a failed test left behind under this run's prefix.
    const leftovers = await admin.query<{ schema_name: string }>(
      'SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE $1',
      [`${runPrefix}\\_%`],
    );
    for (const row of leftovers.rows) await dropSchema(row.schema_name);
    await admin.end();
    admin = undefined;
  },
});

describe('PostgreSQL record store specifics', function () {
  before(async function () {
    admin = admin ?? (await connectAdmin());
  });

  after(async function () {
    await admin?.end();
    admin = undefined;
  });

  it('creates its schema when missing and reuses it when present', async function () {
    const schema = `${runPrefix}_specific_${crypto.randomBytes(4).toString('hex')}`;
    try {
      const first = await createPostgresRecordStore({ connectionString, schema });
      await first.put({
        recordId: `rec-${crypto.randomUUID()}`,
        patientId: 'pat-1',
        category: 'condition',
        resourceJson: '{"resourceType":"Condition"}',
        contentHash: crypto.randomBytes(32).toString('hex'),
        authorId: 'doc-1',
      });
      await first.close();
      const [second, third] = await Promise.all([
        createPostgresRecordStore({ connectionString, schema }),
        createPostgresRecordStore({ connectionString, schema }),
      ]);
      expect((await second.listByPatient('pat-1')).records).to.have.length(1);
      await second.close();
      await third.close();
    } finally {
      await dropSchema(schema);
    }
  });

  it('refuses a schema name that is not a plain identifier, before connecting', async function () {
    const error = await rejectionOf(
      createPostgresRecordStore({ connectionString, schema: 'x"; DROP SCHEMA public; --' }),
      InvalidStoreInputError,
    );
    expect(error.field).to.equal('schema');
  });

  it('fails with StoreUnavailableError when the server cannot be reached', async function () {
    // Port 1 on loopback is never a PostgreSQL server; the connection is refused at once.
    const error = await rejectionOf(
      createPostgresRecordStore({ connectionString: 'postgresql://postgres:secret-pw@127.0.0.1:1/test' }),
      StoreUnavailableError,
    );
    expect(error.code).to.equal('STORE_UNAVAILABLE');
    expect(error.message).to.not.include('secret-pw');
  });
});
