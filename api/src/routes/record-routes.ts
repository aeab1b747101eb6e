import type { BreakGlassReason, PurposeOfUse } from '@medrec/sdk';
import type { OperationHandler } from '../http/operation-router';
import type { FhirResource } from '../ports';
import type { RecordUseCases } from '../use-cases/records';
import { optionalQuery, pageQuery, pathParam } from './input';

export function recordRoutes(useCases: RecordUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    createRecord: async ({ auth, input }) => ({
      status: 201,
      body: await useCases.createRecord(auth.user, pathParam(input, 'patientId'), input.body as FhirResource),
    }),
    amendRecord: async ({ auth, input }) => ({
      status: 201,
      body: await useCases.amendRecord(auth.user, pathParam(input, 'recordId'), input.body as FhirResource),
    }),
    listRecords: async ({ auth, input }) => {
      const custodianMsp = optionalQuery(input, 'custodianMsp');
      return {
        status: 200,
        body: await useCases.listRecords(auth.user, {
          patientId: pathParam(input, 'patientId'),
          ...(custodianMsp === undefined ? {} : { custodianMsp }),
          ...pageQuery(input),
        }),
      };
    },
    getRecordContent: async ({ auth, input }) => {
      const purpose = (optionalQuery(input, 'purpose') as PurposeOfUse | undefined) ?? 'TREAT';
      const ticketId = optionalQuery(input, 'ticketId');
      const fetched = await useCases.getRecordContent(auth.user, {
        recordId: pathParam(input, 'recordId'),
        purpose,
        ...(ticketId === undefined ? {} : { ticketId }),
      });
      return {
        status: 200,
        body: {
          resource: fetched.resource,
          ticket: fetched.ticket,
          ...(fetched.pointer === undefined ? {} : { pointer: fetched.pointer }),
        },
      };
    },
    breakGlass: async ({ auth, input }) => {
      const request = input.body as { reason: BreakGlassReason; incidentRef?: string; durationMinutes: number };
      return {
        status: 201,
        body: await useCases.breakGlass(auth.user, { ...request, recordId: pathParam(input, 'recordId') }),
      };
    },
    reviewBreakGlass: async ({ auth, input }) => {
      const review = input.body as { outcome: 'justified' | 'unjustified'; reviewRef?: string };
      return {
        status: 200,
        body: await useCases.reviewBreakGlass(auth.user, { ...review, ticketId: pathParam(input, 'ticketId') }),
      };
    },
    listBreakGlass: async ({ auth, input }) => {
      const reviewStatus = optionalQuery(input, 'reviewStatus') as 'pending' | 'justified' | 'unjustified' | undefined;
      return {
        status: 200,
        body: await useCases.listBreakGlass(auth.user, {
          ...(reviewStatus === undefined ? {} : { reviewStatus }),
          ...pageQuery(input),
        }),
      };
    },
    requestAccess: async ({ auth, input }) => {
      const { purpose } = input.body as { purpose: PurposeOfUse };
      return {
        status: 201,
        body: await useCases.requestAccess(auth.user, { recordId: pathParam(input, 'recordId'), purpose }),
      };
    },
    getRecordPointer: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getRecordPointer(auth.user, pathParam(input, 'recordId')),
    }),
    getTicket: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.getTicket(auth.user, pathParam(input, 'ticketId')),
    }),
  };
}
