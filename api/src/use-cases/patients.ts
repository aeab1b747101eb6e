/** The patient's summary, notifications stream and audit trail. */
import {
  ChaincodeError,
  type AuditEvent,
  type AuditQuery,
  type MedrecEvent,
  type Page,
  type PatientSummary,
} from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { EventPosition, EventSubscription, LedgerGateway, UserContext } from '../ports';

export type AuditRequest = AuditQuery & { readonly patientId?: string; readonly actorId?: string };

export interface PatientUseCases {
  getSummary(user: UserContext, patientId: string): Promise<PatientSummary>;
  /**
   * Authorises the caller for the patient's notifications by a ledger read made as the caller (the chaincode's
   * permission rules decide), then subscribes to the patient's events (after `resumeAfter`, when reconnecting).
   * Each event is re-authorised before it is delivered: when the caller stops acting for the patient (a delegate
   * removed, a participant deactivated), `end` is called and nothing more is sent. When the ledger's event stream
   * fails (a peer restart), `end` is called too, with a reason asking the client to reconnect with Last-Event-ID.
   */
  subscribeNotifications(
    user: UserContext,
    patientId: string,
    onEvent: (event: MedrecEvent) => void,
    resumeAfter?: EventPosition,
    end?: (reason: string) => void,
  ): Promise<EventSubscription>;
  listAuditEvents(user: UserContext, request: AuditRequest): Promise<Page<AuditEvent>>;
  /** One audit event by the transaction that wrote it, for whoever may read that trail. */
  getAuditEvent(user: UserContext, txId: string): Promise<AuditEvent>;
}

export function createPatientUseCases(ports: Readonly<{ ledger: LedgerGateway }>): PatientUseCases {
  const { ledger } = ports;
  return {
    async getSummary(user, patientId) {
      return (await ledger.clientFor(user)).getSummary(patientId);
    },
    async subscribeNotifications(user, patientId, onEvent, resumeAfter, end) {
      const client = await ledger.clientFor(user);
      const authorise = (): Promise<unknown> => client.listNotifications({ patientId, pageSize: 1 });
      await authorise();
      // Events are delivered in ledger order, one re-authorisation at a time, so none overtakes a refusal.
      let queue: Promise<void> = Promise.resolve();
      let ended = false;
      return ledger.eventsFor(
        user,
        patientId,
        (event) => {
          queue = queue.then(async () => {
            if (ended) return;
            try {
              await authorise();
            } catch (err) {
              // Fail closed: a refusal ends the stream for good; a failed check ends it so the client reconnects.
              ended = true;
              end?.(
                err instanceof ChaincodeError
                  ? `you no longer act for patient ${patientId} (${err.code}); the stream ends here`
                  : 'the ledger could not re-check your access; reconnect with Last-Event-ID to resume',
              );
              return;
            }
            onEvent(event);
          });
        },
        resumeAfter,
        () => {
          // Queued after the events already received, so they are delivered first. Without this the response would
          // only send heartbeats: the client would never learn that it stopped receiving notifications.
          queue = queue.then(() => {
            if (ended) return;
            ended = true;
            end?.('the ledger event stream was interrupted; reconnect with Last-Event-ID to resume');
          });
        },
      );
    },
    async getAuditEvent(user, txId) {
      return (await ledger.clientFor(user)).auditEvent(txId);
    },
    async listAuditEvents(user, request) {
      const { patientId, actorId, ...window } = request;
      if ((patientId === undefined) === (actorId === undefined)) {
        throw new ApiProblem(PROBLEMS.validation, 'Give exactly one of the query parameters patientId and actorId.', {
          code: 'VALIDATION_FAILED',
          errors: [{ in: 'query', path: '/', message: 'exactly one of patientId and actorId is required' }],
        });
      }
      const client = await ledger.clientFor(user);
      return patientId !== undefined
        ? client.auditByPatient({ ...window, patientId })
        : client.auditByActor({ ...window, actorId: actorId ?? '' });
    },
  };
}
