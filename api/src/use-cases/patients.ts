/** The patient's summary, notifications stream and audit trail. */
import type { AuditEvent, AuditQuery, Page, PatientSummary } from '../../../sdk/src/chaincode-types';
import type { MedrecEvent } from '../../../sdk/src/event-stream';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { EventPosition, EventSubscription, LedgerGateway, UserContext } from '../ports';

export type AuditRequest = AuditQuery & { readonly patientId?: string; readonly actorId?: string };

export interface PatientUseCases {
  getSummary(user: UserContext, patientId: string): Promise<PatientSummary>;
  /**
   * Authorises the caller for the patient's notifications by a ledger read made as the caller (the chaincode's
   * permission rules decide), then subscribes to the patient's events (after `resumeAfter`, when reconnecting).
   */
  subscribeNotifications(
    user: UserContext,
    patientId: string,
    onEvent: (event: MedrecEvent) => void,
    resumeAfter?: EventPosition,
  ): Promise<EventSubscription>;
  listAuditEvents(user: UserContext, request: AuditRequest): Promise<Page<AuditEvent>>;
}

export function createPatientUseCases(ports: Readonly<{ ledger: LedgerGateway }>): PatientUseCases {
  const { ledger } = ports;
  return {
    async getSummary(user, patientId) {
      return (await ledger.clientFor(user)).getSummary(patientId);
    },
    async subscribeNotifications(user, patientId, onEvent, resumeAfter) {
      await (await ledger.clientFor(user)).listNotifications({ patientId, pageSize: 1 });
      return ledger.eventsFor(user, patientId, onEvent, resumeAfter);
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
