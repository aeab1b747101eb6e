import type { OperationHandler } from '../http/operation-router';
import { openEventStream, parseEventId } from '../http/event-stream';
import type { PatientUseCases } from '../use-cases/patients';
import { optionalQuery, pageQuery, pathParam } from './input';

export function patientRoutes(
  useCases: PatientUseCases,
  options: Readonly<{ heartbeatMs: number }>,
): Readonly<Record<string, OperationHandler>> {
  return {
    getPatientSummary: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getSummary(auth.user, pathParam(input, 'patientId')),
    }),
    streamNotifications: async ({ auth, input, res }) => {
      const patientId = pathParam(input, 'patientId');
      const lastEventId = input.headers['last-event-id'];
      const resumeAfter = lastEventId === undefined ? undefined : parseEventId(lastEventId);
      await openEventStream(res, {
        heartbeatMs: options.heartbeatMs,
        subscribe: (onEvent, end) => useCases.subscribeNotifications(auth.user, patientId, onEvent, resumeAfter, end),
      });
      return undefined;
    },
    getAuditEvent: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getAuditEvent(auth.user, pathParam(input, 'txId')),
    }),
    listAuditEvents: async ({ auth, input }) => {
      const filters = ['patientId', 'actorId', 'from', 'to'].flatMap((name) => {
        const value = optionalQuery(input, name);
        return value === undefined ? [] : [[name, value] as const];
      });
      return {
        status: 200,
        body: await useCases.listAuditEvents(auth.user, { ...Object.fromEntries(filters), ...pageQuery(input) }),
      };
    },
  };
}
