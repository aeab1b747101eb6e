import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { recordStoreConfig, recordStoreEnvironment } from '../../../network/src/gatekeeper-process';
import { Layout } from '../../../network/src/layout';
import { buildTopology } from '../../../network/src/topology';
import { openRecordStore } from '../../../gatekeeper/src/store/open-record-store';

const connectionString = process.env.MEDREC_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

describe("network: each organisation's record store is its own", function () {
  const topology = buildTopology(30000);
  const layout = new Layout(path.join(os.tmpdir(), 'medrec-layout-test'));

  it('gives every organisation its own SQLite file, and its own PostgreSQL schema in a shared database', function () {
    const sqlite = topology.peers.map((peer) => recordStoreConfig(layout, peer, undefined));
    expect(new Set(sqlite.map((c) => c.sqliteFile)).size).to.equal(3);
    expect(sqlite.every((c) => c.databaseUrl === undefined && c.databaseSchema === undefined)).to.equal(true);
    const shared = topology.peers.map((peer) => recordStoreConfig(layout, peer, connectionString));
    expect(shared.map((c) => c.databaseSchema)).to.deep.equal([
      'medrec_hospital1',
      'medrec_hospital2',
      'medrec_research',
    ]);
    expect(shared.every((c) => c.databaseUrl === connectionString)).to.equal(true);
  });

  it('passes the schema on to the gatekeeper and API processes only when PostgreSQL is configured', function () {
    const peer = topology.peers[0];
    if (peer === undefined) throw new Error('no peer');
    const saved = process.env.MEDREC_GATEKEEPER_DATABASE_URL;
    try {
      delete process.env.MEDREC_GATEKEEPER_DATABASE_URL;
      expect(Object.keys(recordStoreEnvironment(layout, peer))).to.deep.equal(['MEDREC_GATEKEEPER_SQLITE_FILE']);
      process.env.MEDREC_GATEKEEPER_DATABASE_URL = connectionString;
      expect(recordStoreEnvironment(layout, peer)).to.include({
        MEDREC_GATEKEEPER_DATABASE_URL: connectionString,
        MEDREC_GATEKEEPER_DATABASE_SCHEMA: 'medrec_hospital1',
      });
    } finally {
      if (saved === undefined) delete process.env.MEDREC_GATEKEEPER_DATABASE_URL;
      else process.env.MEDREC_GATEKEEPER_DATABASE_URL = saved;
    }
  });

  it('keeps two custodians sharing one PostgreSQL database apart (real server)', async function () {
    const suffix = crypto.randomBytes(4).toString('hex');
    const schemas = [`medrec_test_a_${suffix}`, `medrec_test_b_${suffix}`];
    const sqliteFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-unused-')), 'unused.db');
    const [a, b] = await Promise.all(
      schemas.map((databaseSchema) => openRecordStore({ databaseUrl: connectionString, databaseSchema, sqliteFile })),
    );
    try {
      if (a === undefined || b === undefined) throw new Error('stores did not open');
      await a.put({
        recordId: `rec-${suffix}`,
        patientId: 'pat-1',
        category: 'condition',
        resourceJson: '{"resourceType":"Condition"}',
        contentHash: 'a'.repeat(64),
        authorId: 'doc-1',
      });
      expect(await a.get(`rec-${suffix}`)).to.not.equal(undefined);
      expect(await b.get(`rec-${suffix}`)).to.equal(undefined);
      expect(fs.existsSync(sqliteFile)).to.equal(false);
    } finally {
      await Promise.all([a?.close(), b?.close()]);
      const admin = new pg.Client({ connectionString });
      await admin.connect();
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await admin.end();
    }
  });
});
