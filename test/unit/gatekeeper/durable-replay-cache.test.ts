/**
 * The durable replay caches (SQLite file, PostgreSQL schema on the real server): one contract for both, then the
 * verifier and the gatekeeper built on them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import type { Ticket } from '../../../sdk/src/chaincode-types';
import { createPossessionProof, ReplayedProofError } from '../../../sdk/src/gatekeeper';
import {
  createPostgresReplayCache,
  createProofVerifier,
  createSqliteReplayCache,
  type DurableReplayCache,
} from '../../../gatekeeper/src';
import { createGatekeeper } from '../../../gatekeeper/src/gatekeeper';
import { GatekeeperError } from '../../../sdk/src/gatekeeper/gatekeeper-errors';
import type { MedrecClient } from '../../../sdk/src/medrec-client';
import { createSqliteRecordStore } from '../../../gatekeeper/src/store';
import { StoreUnavailableError } from '../../../gatekeeper/src/store/store-errors';
import { rejectionOf } from '../store/support/rejection';
import { CLINICIAN_A_CERTIFICATE, CLINICIAN_A_PRIVATE_KEY } from './support/test-certificates';

const connectionString = process.env.MEDREC_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const NOW = Date.parse('2030-06-01T12:00:00Z');

/** Where one test's cache lives; `open` may be called several times (restarts, replicas) on the same place. */
interface Place {
  open(): Promise<DurableReplayCache>;
  destroy(): Promise<void>;
}

function durableCacheContract(name: string, newPlace: () => Place): void {
  describe(`durable replay cache: ${name}`, function () {
    let place: Place;
    const opened: DurableReplayCache[] = [];
    const open = async (): Promise<DurableReplayCache> => {
      const cache = await place.open();
      opened.push(cache);
      return cache;
    };
    beforeEach(function () {
      place = newPlace();
    });
    afterEach(async function () {
      await Promise.all(opened.splice(0).map((c) => c.close()));
      await place.destroy();
    });

    it('remembers a proof until it expires, refusing it meanwhile', async function () {
      const cache = await open();
      expect(await cache.remember('k1', NOW + 60_000, NOW)).to.equal(true);
      expect(await cache.remember('k1', NOW + 60_000, NOW + 30_000)).to.equal(false);
      expect(await cache.remember('k2', NOW + 60_000, NOW + 30_000)).to.equal(true);
      // Expired, the key may be used again (its proof is stale by then and refused before the cache anyway).
      expect(await cache.remember('k1', NOW + 200_000, NOW + 60_001)).to.equal(true);
      expect(await cache.remember('k1', NOW + 200_000, NOW + 60_002)).to.equal(false);
    });

    it('still refuses a live proof after a restart', async function () {
      const before = await open();
      expect(await before.remember('k-restart', NOW + 60_000, NOW)).to.equal(true);
      await before.close();
      const after = await open();
      expect(await after.remember('k-restart', NOW + 60_000, NOW + 1_000)).to.equal(false);
    });

    it('lets exactly one of two instances on the same database accept a proof raced to both', async function () {
      const [a, b] = await Promise.all([open(), open()]);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).remember('k-race', NOW + 60_000, NOW)),
      );
      expect(outcomes.filter((accepted) => accepted)).to.have.length(1);
    });
  });
}

durableCacheContract('SQLite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-seen-'));
  return {
    open: () => Promise.resolve(createSqliteReplayCache(path.join(dir, 'records.db'))),
    destroy: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});

durableCacheContract('PostgreSQL (real server)', () => {
  const schema = `medrec_test_seen_${crypto.randomBytes(5).toString('hex')}`;
  return {
    open: () => createPostgresReplayCache({ connectionString, schema }),
    destroy: async () => {
      const admin = new pg.Client({ connectionString });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
});

describe('gatekeeper with a durable replay cache', function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-gk-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const request = { ticketId: 'tkt-1', recordId: 'rec-1', purpose: 'TREAT' } as const;
  const sign = (): unknown =>
    createPossessionProof({ ...request, privateKey: CLINICIAN_A_PRIVATE_KEY, now: () => NOW });

  it('refuses, after a restart, a proof the previous process accepted', async function () {
    const file = path.join(dir, 'records.db');
    const expected = { ...request, certificate: CLINICIAN_A_CERTIFICATE };
    const proof = sign();
    const first = createSqliteReplayCache(file);
    await createProofVerifier({ now: () => NOW, replayCache: first }).verify(proof, expected);
    await first.close();
    const second = createSqliteReplayCache(file);
    try {
      const restarted = createProofVerifier({ now: () => NOW + 5_000, replayCache: second });
      await rejectionOf(restarted.verify(proof, expected), ReplayedProofError);
    } finally {
      await second.close();
    }
  });

  it('answers 503 and serves nothing when the proof cannot be recorded as used', async function () {
    const ticket = {
      ticketId: request.ticketId,
      recordId: request.recordId,
      decision: 'permit',
      purpose: 'TREAT',
      custodianMsp: 'Hospital1MSP',
      expiresAt: new Date(NOW + 60_000).toISOString(),
      requester: { certPem: CLINICIAN_A_CERTIFICATE },
    } as unknown as Ticket;
    const ledgerCalls: string[] = [];
    const ledger = {
      getTicket: () => Promise.resolve(ticket),
      confirmDisclosure: () => {
        ledgerCalls.push('confirmDisclosure');
        return Promise.reject(new Error('must not be reached'));
      },
    } as unknown as MedrecClient;
    const store = await createSqliteRecordStore({ path: ':memory:' });
    const failing = {
      remember: () => Promise.reject(new StoreUnavailableError('database is locked')),
    };
    try {
      const gatekeeper = createGatekeeper({
        store,
        mspId: 'Hospital1MSP',
        ledger,
        now: () => NOW,
        verifier: createProofVerifier({ now: () => NOW, replayCache: failing }),
      });
      const error = await rejectionOf(gatekeeper.retrieve({ ...request, proof: sign() }), GatekeeperError);
      expect(error).to.include({ code: 'GATEKEEPER_STORE_UNAVAILABLE', status: 503 });
      expect(ledgerCalls).to.deep.equal([]);
    } finally {
      await store.close();
    }
  });
});
