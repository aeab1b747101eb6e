/**
 * A gatekeeper with a fake ledger, an in-memory record store and an injected clock, for the denial tests. The fake
 * ledger logs every call, so a test can assert what the gatekeeper asked (and that it asked nothing) before refusing.
 */
import crypto from 'node:crypto';
import type { PurposeOfUse, Ticket } from '../../../../sdk/src/chaincode-types';
import { ChaincodeError } from '../../../../sdk/src/errors';
import { contentHashOfJson } from '../../../../sdk/src/fhir/content-hash';
import { createGatekeeper, type Gatekeeper } from '../../../../gatekeeper/src/gatekeeper';
import { createPossessionProof, type PossessionProof } from '../../../../sdk/src/gatekeeper/possession-proof';
import { createProofVerifier } from '../../../../gatekeeper/src/proof-verifier';
import type { MedrecClient, Submitted } from '../../../../sdk/src/medrec-client';
import { createSqliteRecordStore } from '../../../../gatekeeper/src/store/sqlite-record-store';
import type { RecordStore } from '../../../../gatekeeper/src/store/record-store';
import { CLINICIAN_A_CERTIFICATE, CLINICIAN_A_PRIVATE_KEY } from './test-certificates';

// Inside the certificate fixtures' validity period (2026-11-24 .. 2126-10-31).
export const NOW = Date.parse('2030-06-01T12:00:00.000Z');
export const MSP = 'Hospital1MSP';
export const RECORD_ID = 'rec-1';
export const RESOURCE_JSON = '{"resourceType":"Condition","subject":{"reference":"Patient/pat-1"}}';
export const RESOURCE_HASH = contentHashOfJson(RESOURCE_JSON);

/** A permit ticket for RECORD_ID at MSP, issued to clinician A for TREAT, expiring 15 minutes after NOW. */
export function permitTicket(overrides: Partial<Ticket> = {}): Ticket {
  const ticketId = crypto.randomBytes(32).toString('hex');
  return {
    ticketId,
    kind: 'access',
    decision: 'permit',
    reason: 'consent',
    consentId: 'c-1',
    recordId: RECORD_ID,
    patientId: 'pat-1',
    custodianMsp: MSP,
    category: 'condition',
    purpose: 'TREAT',
    contentHash: RESOURCE_HASH,
    requester: {
      participantId: 'doc-a',
      mspId: 'Hospital2MSP',
      role: 'clinician',
      certSha256: crypto
        .createHash('sha256')
        .update(new crypto.X509Certificate(CLINICIAN_A_CERTIFICATE).raw)
        .digest('hex'),
      certPem: CLINICIAN_A_CERTIFICATE,
    },
    issuedAt: new Date(NOW - 60_000).toISOString(),
    expiresAt: new Date(NOW + 15 * 60_000).toISOString(),
    txId: ticketId,
    ...overrides,
  };
}

export type LedgerCall = 'getTicket' | 'confirmDisclosure';

export interface FakeLedger {
  readonly client: MedrecClient;
  readonly calls: LedgerCall[];
  /** Tickets the ledger knows; any other id is MEDREC_NOT_FOUND. */
  readonly tickets: Map<string, Ticket>;
  /** What ConfirmDisclosure does; by default it commits a new transaction each time. */
  confirm: (ticketId: string) => Promise<Submitted<Ticket>>;
  /** What GetTicket does for a known ticket; by default it returns it. */
  read: (ticket: Ticket) => Promise<Ticket>;
}

export function fakeLedger(): FakeLedger {
  let confirmations = 0;
  const ledger: FakeLedger = {
    calls: [],
    tickets: new Map(),
    confirm: (ticketId) => {
      confirmations += 1;
      const transactionId = crypto.createHash('sha256').update(`${ticketId}/${confirmations}`).digest('hex');
      return Promise.resolve({ value: ledger.tickets.get(ticketId)!, transactionId });
    },
    read: (ticket) => Promise.resolve(ticket),
    client: {
      getTicket: (ticketId: string): Promise<Ticket> => {
        ledger.calls.push('getTicket');
        const ticket = ledger.tickets.get(ticketId);
        if (ticket === undefined) {
          return Promise.reject(
            new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: `ticket ${ticketId} not found` }),
          );
        }
        return ledger.read(ticket);
      },
      confirmDisclosure: (ticketId: string): Promise<Submitted<Ticket>> => {
        ledger.calls.push('confirmDisclosure');
        return ledger.confirm(ticketId);
      },
    } as unknown as MedrecClient,
  };
  return ledger;
}

export interface World {
  readonly ledger: FakeLedger;
  readonly store: RecordStore;
  readonly gatekeeper: Gatekeeper;
  /** The injected clock: both the gatekeeper and the proofs read it. */
  now: number;
  /** Puts a ticket on the fake ledger and returns it. */
  issue(overrides?: Partial<Ticket>): Ticket;
  /** A fresh proof for (ticket, record, purpose) signed at the current clock, by clinician A unless told. */
  proof(
    request: Readonly<{ ticketId: string; recordId: string; purpose: PurposeOfUse }>,
    privateKey?: string,
  ): PossessionProof;
}

/** An in-memory record store holding RECORD_ID, registered, as a custodian's store does. */
export async function storeHoldingRecord(): Promise<RecordStore> {
  const store = await createSqliteRecordStore({ path: ':memory:' });
  await store.put({
    recordId: RECORD_ID,
    patientId: 'pat-1',
    category: 'condition',
    resourceJson: RESOURCE_JSON,
    contentHash: RESOURCE_HASH,
    authorId: 'doc-1',
  });
  await store.markRegistered(RECORD_ID, 'cd'.repeat(32));
  return store;
}

export async function createWorld(): Promise<World> {
  const ledger = fakeLedger();
  const store = await storeHoldingRecord();
  const world: World = {
    ledger,
    store,
    now: NOW,
    gatekeeper: createGatekeeper({
      store,
      mspId: MSP,
      ledger: ledger.client,
      now: () => world.now,
      verifier: createProofVerifier({ now: () => world.now }),
    }),
    issue(overrides = {}) {
      const ticket = permitTicket(overrides);
      ledger.tickets.set(ticket.ticketId, ticket);
      return ticket;
    },
    proof(request, privateKey = CLINICIAN_A_PRIVATE_KEY) {
      return createPossessionProof({ ...request, privateKey, now: () => world.now });
    },
  };
  return world;
}
