/** In-memory fakes of the adapters' ports, recording who called what. */
import type { MedrecEvent } from '../../../../sdk/src/event-stream';
import type { MedrecClient } from '../../../../sdk/src/medrec-client';
import type { SignedManifest, VerificationReport } from '../../../../sdk/src/audit-export';
import type {
  AmendRequest,
  AuditExportRequest,
  AuditExporter,
  AuditVerifyRequest,
  EventPosition,
  EventSubscription,
  FetchRequest,
  FetchedRecord,
  LedgerGateway,
  RecordCustody,
  RecordDescriptions,
  Registration,
  RegistrationRequest,
  StoreRequest,
  UserContext,
  UserRegistration,
} from '../../../../api/src/ports';
import type { RecordPointer, Ticket } from '../../../../sdk/src/chaincode-types';
import type { ChannelObservation } from '../../../../api/src/adapters/network-observer';
import type { DiscoveredChannel, DiscoveredOrderer, OrdererProbeResult } from '../../../../sdk/src/network-view';
import { participant } from './fixtures';

export interface LedgerCall {
  readonly user: UserContext;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** A ledger whose client methods each test provides; a method it did not provide fails loudly. */
export class FakeLedger implements LedgerGateway {
  client: Partial<MedrecClient> = {};
  readonly calls: LedgerCall[] = [];
  readonly subscriptions: {
    patientId: string;
    user: UserContext;
    resumeAfter: EventPosition | undefined;
    closed: boolean;
    emit(e: MedrecEvent): void;
    fail(error: Error): void;
  }[] = [];
  subscribeError: Error | undefined;
  /** Enrollment ids the fake wallet holds no identity for. */
  readonly missingIdentities = new Set<string>();

  hasIdentity(user: UserContext): Promise<boolean> {
    return Promise.resolve(!this.missingIdentities.has(user.enrollmentId));
  }

  clientFor(user: UserContext): Promise<MedrecClient> {
    const proxy = new Proxy({} as MedrecClient, {
      get: (_target, property: string | symbol) => {
        // Not a thenable: `await clientFor()` must resolve to the proxy itself.
        if (typeof property !== 'string' || property === 'then') return undefined;
        return (...args: unknown[]): unknown => {
          this.calls.push({ user, method: property, args });
          const impl = this.client[property as keyof MedrecClient] as ((...a: unknown[]) => unknown) | undefined;
          if (impl === undefined) return Promise.reject(new Error(`FakeLedger: ${property} is not faked`));
          return impl(...args);
        };
      },
    });
    return Promise.resolve(proxy);
  }

  eventsFor(
    user: UserContext,
    patientId: string,
    onEvent: (event: MedrecEvent) => void,
    resumeAfter?: EventPosition,
    onFailure?: (error: Error) => void,
  ): Promise<EventSubscription> {
    if (this.subscribeError) return Promise.reject(this.subscribeError);
    const subscription = {
      patientId,
      user,
      resumeAfter,
      closed: false,
      emit: onEvent,
      /** What the adapter does when the peer's event stream breaks. */
      fail: (error: Error) => onFailure?.(error),
    };
    this.subscriptions.push(subscription);
    return Promise.resolve({
      close: () => {
        subscription.closed = true;
      },
    });
  }

  methodsCalled(): string[] {
    return this.calls.map((c) => c.method);
  }
}

export class FakeRegistration implements UserRegistration {
  readonly requests: RegistrationRequest[] = [];
  failure: Error | undefined;

  register(request: Readonly<RegistrationRequest>): Promise<Registration> {
    this.requests.push(request);
    if (this.failure) return Promise.reject(this.failure);
    return Promise.resolve({
      participant: {
        ...participant(request.role, request.participantId, request.caller.mspId),
        enrollmentId: request.participantId,
        registeredBy: request.caller.participantId,
      },
      transactionId: `tx-register-${request.participantId}`,
    });
  }
}

export class FakeCustody implements RecordCustody {
  readonly stored: StoreRequest[] = [];
  readonly amended: AmendRequest[] = [];
  amendResult: (request: AmendRequest) => Promise<{ pointer: RecordPointer; transactionId: string }> = () =>
    Promise.reject(new Error('FakeCustody: amend is not faked'));
  readonly fetched: FetchRequest[] = [];
  storeResult: (request: StoreRequest) => Promise<{ pointer: RecordPointer; transactionId: string }> = () =>
    Promise.reject(new Error('FakeCustody: store is not faked'));
  fetchResult: (request: FetchRequest) => Promise<FetchedRecord> = () =>
    Promise.reject(new Error('FakeCustody: fetch is not faked'));

  store(request: Readonly<StoreRequest>): Promise<{ pointer: RecordPointer; transactionId: string }> {
    this.stored.push(request);
    return this.storeResult(request);
  }

  amend(request: Readonly<AmendRequest>): Promise<{ pointer: RecordPointer; transactionId: string }> {
    this.amended.push(request);
    return this.amendResult(request);
  }

  fetch(request: Readonly<FetchRequest>): Promise<FetchedRecord> {
    this.fetched.push(request);
    return this.fetchResult(request);
  }
}

export const FAKE_MANIFEST: SignedManifest = {
  format: 'medrec-audit-export/2',
  filters: { patientId: 'pat-1' },
  generatedAt: '2030-02-01T00:00:00.000Z',
  generatedBy: { participantId: 'comp-1', mspId: 'Hospital1MSP', certificatePem: 'CERT' },
  channel: 'medrec',
  eventCount: 1,
  complete: true,
  ledgerHeight: 6,
  blockRange: { first: 5, last: 5 },
  contentSha256: 'b'.repeat(64),
  signature: 'c2ln',
};

/** An exporter that writes `lines` to the sink and returns FAKE_MANIFEST; verify returns `report`. */
export class FakeAuditExporter implements AuditExporter {
  readonly exports: AuditExportRequest[] = [];
  readonly verified: { user: UserContext; request: AuditVerifyRequest }[] = [];
  lines: readonly string[] = ['{"event":{},"proof":{}}\n', `${JSON.stringify({ manifest: FAKE_MANIFEST })}\n`];
  failAfterFirstLine: Error | undefined;
  report: VerificationReport = {
    valid: true,
    eventCount: 1,
    manifest: FAKE_MANIFEST,
    discrepancies: [],
    complete: true,
    warnings: [],
    trustedBy: 'ledger',
  };

  async export(request: Readonly<AuditExportRequest>): Promise<SignedManifest> {
    this.exports.push(request);
    for (const [i, line] of this.lines.entries()) {
      if (i === 1 && this.failAfterFirstLine) throw this.failAfterFirstLine;
      await request.sink.write(line);
    }
    return FAKE_MANIFEST;
  }

  verify(user: UserContext, request: Readonly<AuditVerifyRequest>): Promise<VerificationReport> {
    this.verified.push({ user, request });
    return Promise.resolve(this.report);
  }
}

/** The custodian store's descriptions of records, by record id; a record it does not list is not held here. */
export class FakeRecordDescriptions implements RecordDescriptions {
  readonly byRecord = new Map<string, string>();
  readonly asked: Ticket[] = [];

  describe(ticket: Readonly<Ticket>): Promise<string | undefined> {
    this.asked.push(ticket);
    return Promise.resolve(this.byRecord.get(ticket.recordId));
  }
}

/** The network as the observer sees it: a discovery answer to return and each orderer's probe result by host:port. */
export class FakeChannelObservation implements ChannelObservation {
  channel: DiscoveredChannel = {
    channel: 'medrec',
    organisations: ['Hospital1MSP', 'Hospital2MSP', 'OrdererMSP'],
    orderers: [
      { mspId: 'OrdererMSP', host: '127.0.0.1', port: 7050, tlsRootCertificates: 'pem' },
      { mspId: 'OrdererMSP', host: '127.0.0.1', port: 7051, tlsRootCertificates: 'pem' },
    ],
    peers: [
      {
        mspId: 'Hospital1MSP',
        endpoint: '127.0.0.1:7061',
        name: 'peer0.hospital1',
        ledgerHeight: 12,
        chaincodes: [{ name: 'medrec', version: '1.0' }],
      },
      {
        mspId: 'Hospital2MSP',
        endpoint: '127.0.0.1:7071',
        name: 'peer0.hospital2',
        ledgerHeight: 11,
        chaincodes: [{ name: 'medrec', version: '1.0' }],
      },
    ],
  };
  readonly probes = new Map<string, OrdererProbeResult>([['127.0.0.1:7050', { reachable: true, height: 12 }]]);
  /** When set, discovery fails with it. */
  failure: Error | undefined;
  readonly asked: UserContext[] = [];

  discover(user: UserContext): Promise<DiscoveredChannel> {
    this.asked.push(user);
    return this.failure === undefined ? Promise.resolve(this.channel) : Promise.reject(this.failure);
  }

  probeOrderer(_user: UserContext, orderer: DiscoveredOrderer): Promise<OrdererProbeResult> {
    return Promise.resolve(
      this.probes.get(`${orderer.host}:${String(orderer.port)}`) ?? { reachable: false, detail: 'no answer over gRPC' },
    );
  }
}
