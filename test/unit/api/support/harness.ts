/** A server built from fakes, with a token per role, and a log capture to check for leaks. */
import { Writable } from 'node:stream';
import type { Express } from 'express';
import pino from 'pino';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createNetworkObserver } from '../../../../api/src/adapters/network-observer';
import { createSqliteExternalIds } from '../../../../api/src/adapters/sqlite-external-ids';
import { createSqliteUserDirectory, type SqliteUserDirectory } from '../../../../api/src/auth/sqlite-user-directory';
import type { ReadinessProbe, UserContext } from '../../../../api/src/ports';
import { createServer, type ServerOptions } from '../../../../api/src/server';
import { createReferencePseudonyms } from '../../../../api/src/use-cases/reference-pseudonyms';
import {
  FakeAuditExporter,
  FakeChannelObservation,
  FakeCustody,
  FakeLedger,
  FakeRecordDescriptions,
  FakeRegistration,
} from './fakes';
import { user } from './fixtures';

export interface Harness {
  readonly app: Express;
  readonly http: TestAgent;
  readonly ledger: FakeLedger;
  readonly registration: FakeRegistration;
  readonly custody: FakeCustody;
  readonly auditExporter: FakeAuditExporter;
  readonly recordDescriptions: FakeRecordDescriptions;
  /** What the network view's observer is told by discovery and the orderer probes (no caching in the harness). */
  readonly observation: FakeChannelObservation;
  readonly users: SqliteUserDirectory;
  /** Every log line written so far, as text. */
  logs(): string;
  /** An Authorization header for a fresh token of `who`. */
  tokenFor(who: UserContext): Promise<{ authorization: string; token: string; tokenId: string }>;
  close(): void;
}

export const USERS = {
  admin: user('admin', 'admin-1'),
  registrar: user('registrar', 'registrar-1'),
  clinician: user('clinician', 'doc-1'),
  patient: user('patient', 'pat-1'),
  compliance: user('compliance', 'comp-1'),
} as const;

export const DEFAULT_OPTIONS: ServerOptions = {
  rateLimit: { windowMs: 60_000, perToken: 1000, authFailuresPerIp: 1000 },
  corsOrigins: [],
  bodyLimit: '64kb',
  sseHeartbeatMs: 1000,
  logLevel: 'info',
  trustProxy: false,
  metricsToken: undefined,
  consoleDirectory: undefined,
};

export function createHarness(
  overrides: Readonly<{ options?: Partial<ServerOptions>; readiness?: ReadinessProbe }> = {},
): Harness {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const ledger = new FakeLedger();
  const registration = new FakeRegistration();
  const custody = new FakeCustody();
  const auditExporter = new FakeAuditExporter();
  const recordDescriptions = new FakeRecordDescriptions();
  const observation = new FakeChannelObservation();
  const users = createSqliteUserDirectory({ path: ':memory:' });
  const externalIds = createSqliteExternalIds({ path: ':memory:' });
  const app = createServer({
    options: { ...DEFAULT_OPTIONS, ...overrides.options },
    users,
    ledger,
    registration,
    externalIds,
    references: createReferencePseudonyms('unit-test-pseudonym-secret'),
    custody,
    auditExporter,
    recordDescriptions,
    network: createNetworkObserver(observation, { cacheMs: 0 }),
    ...(overrides.readiness === undefined ? {} : { readiness: overrides.readiness }),
    logger: pino({ level: 'debug' }, sink),
  });
  return {
    app,
    http: supertest(app),
    ledger,
    registration,
    custody,
    auditExporter,
    recordDescriptions,
    observation,
    users,
    logs: () => lines.join(''),
    tokenFor: async (who) => {
      const issued = await users.issueToken(who);
      return { authorization: `Bearer ${issued.token}`, token: issued.token, tokenId: issued.tokenId };
    },
    close: () => {
      users.close();
      externalIds.close();
    },
  };
}
