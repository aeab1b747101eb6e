import type { OperationHandler } from '../http/operation-router';
import type { RelationshipUseCases } from '../use-cases/relationships';
import { pageQuery, pathParam } from './input';

export function relationshipRoutes(useCases: RelationshipUseCases): Readonly<Record<string, OperationHandler>> {
  const changedRelationship = (changed: Awaited<ReturnType<RelationshipUseCases['admit']>>): object => ({
    relationship: changed.value,
    transactionId: changed.transactionId,
  });
  const changedDelegate = (changed: Awaited<ReturnType<RelationshipUseCases['addDelegate']>>): object => ({
    delegate: changed.value,
    transactionId: changed.transactionId,
  });
  return {
    admitPatient: async ({ auth, input }) => ({
      status: 200,
      body: changedRelationship(await useCases.admit(auth.user, pathParam(input, 'patientId'))),
    }),
    getRelationship: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.get(auth.user, pathParam(input, 'patientId'), pathParam(input, 'custodianMsp')),
    }),
    acceptRelationship: async ({ auth, input }) => ({
      status: 200,
      body: changedRelationship(
        await useCases.decide(auth.user, pathParam(input, 'patientId'), pathParam(input, 'custodianMsp'), 'accept'),
      ),
    }),
    rejectRelationship: async ({ auth, input }) => ({
      status: 200,
      body: changedRelationship(
        await useCases.decide(auth.user, pathParam(input, 'patientId'), pathParam(input, 'custodianMsp'), 'reject'),
      ),
    }),
    listDelegates: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.listDelegates(auth.user, { patientId: pathParam(input, 'patientId'), ...pageQuery(input) }),
    }),
    addDelegate: async ({ auth, input }) => {
      const { delegateId } = input.body as { delegateId: string };
      return {
        status: 200,
        body: changedDelegate(await useCases.addDelegate(auth.user, pathParam(input, 'patientId'), delegateId)),
      };
    },
    acceptDelegate: async ({ auth, input }) => ({
      status: 200,
      body: changedDelegate(
        await useCases.acceptDelegate(auth.user, pathParam(input, 'patientId'), pathParam(input, 'delegateId')),
      ),
    }),
    removeDelegate: async ({ auth, input }) => {
      const patientId = pathParam(input, 'patientId');
      const delegateId = pathParam(input, 'delegateId');
      const { transactionId } = await useCases.removeDelegate(auth.user, patientId, delegateId);
      return { status: 200, body: { patientId, delegateId, removed: true, transactionId } };
    },
  };
}
