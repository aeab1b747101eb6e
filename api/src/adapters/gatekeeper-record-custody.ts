import type { RecordPointer } from '../../../sdk/src/chaincode-types';
import { ChaincodeError } from '../../../sdk/src/errors';
import { patientIdOf, validateFhirResource } from '../../../sdk/src/fhir';
import { createCustodian } from '../../../sdk/src/gatekeeper/custodian';
import {
  redeemTicket,
  AccessDeniedError as SdkAccessDeniedError,
  GatekeeperRefusedError,
} from '../../../sdk/src/record-retrieval';
import type { RecordStore } from '../../../sdk/src/store/record-store';
import type { Wallet } from '../../../sdk/src/wallet';
import {
  AccessDeniedError,
  CustodianError,
  FhirValidationError,
  type FetchedRecord,
  type FetchRequest,
  type FhirResource,
  type LedgerGateway,
  type RecordCustody,
  type StoreRequest,
} from '../ports';
import { UnknownIdentityError } from './wallet-ledger-gateway';

export interface GatekeeperRecordCustodyOptions {
  /** This organisation's gatekeeper store (records it holds as custodian). */
  readonly store: RecordStore;
  readonly mspId: string;
  readonly ledger: LedgerGateway;
  /** The users' identities: a requester's key signs its proof of possession. */
  readonly wallet: Wallet;
}

/** The ledger's pointer when the requester may read it; undefined when only its ticket grants it sight. */
async function readablePointer(read: () => Promise<RecordPointer>): Promise<RecordPointer | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ChaincodeError && err.code === 'MEDREC_FORBIDDEN') return undefined;
    throw err;
  }
}

export function createGatekeeperRecordCustody(options: Readonly<GatekeeperRecordCustodyOptions>): RecordCustody {
  const custodian = createCustodian({ store: options.store, mspId: options.mspId });
  return {
    async store(request: Readonly<StoreRequest>): Promise<{ pointer: RecordPointer; transactionId: string }> {
      try {
        const resource = validateFhirResource(request.resource);
        if (patientIdOf(resource) !== request.patientId) {
          throw new FhirValidationError({
            message: `the resource's patient reference must be "Patient/${request.patientId}", the patient in the URL`,
            issues: [
              { path: `${resource.resourceType}.subject`, message: `must reference Patient/${request.patientId}` },
            ],
          });
        }
      } catch (err) {
        if (err instanceof FhirValidationError) throw err;
        const e = err as { code?: unknown; message?: unknown; issues?: unknown };
        if (typeof e.code === 'string' && e.code.startsWith('FHIR_')) {
          throw new FhirValidationError({
            code: e.code,
            message: String(e.message),
            issues: Array.isArray(e.issues) ? (e.issues as FhirValidationError['issues']) : [],
          });
        }
        throw err;
      }
      return custodian.storeAndRegister(await options.ledger.clientFor(request.user), request.resource);
    },

    async fetch(request: Readonly<FetchRequest>): Promise<FetchedRecord> {
      const client = await options.ledger.clientFor(request.user);
      const identity = await options.wallet.get(request.user.enrollmentId);
      if (!identity) throw new UnknownIdentityError(request.user);
      // A new ticket is requested by a transaction (the decision is recorded either way), or a ticket already
      // issued to this user (e.g. by break-glass) is redeemed.
      const ticket =
        request.ticketId === undefined
          ? (await client.requestAccess({ recordId: request.recordId, purpose: request.purpose })).value
          : await client.getTicket(request.ticketId);
      if (ticket.recordId !== request.recordId) {
        throw new ChaincodeError({
          code: 'MEDREC_INVALID_ARGUMENT',
          message: `ticket ${ticket.ticketId} is for record ${ticket.recordId}, not ${request.recordId}; use that record's ticket`,
        });
      }
      try {
        const fetched = await redeemTicket({ client, identity, ticket });
        const pointer = await readablePointer(() => client.getRecord(request.recordId));
        return { resource: fetched.resource as FhirResource, ticket, ...(pointer === undefined ? {} : { pointer }) };
      } catch (err) {
        if (err instanceof SdkAccessDeniedError) throw new AccessDeniedError(err.ticket);
        if (err instanceof GatekeeperRefusedError || err instanceof TypeError) {
          // TypeError: fetch() could not reach the custodian's gatekeeper at all.
          throw new CustodianError({
            custodianMsp: ticket.custodianMsp,
            message: `the gatekeeper of ${ticket.custodianMsp} did not serve record ${ticket.recordId}: ${err.message}`,
            transactionId: ticket.ticketId,
            cause: err,
          });
        }
        throw err;
      }
    },
  };
}
