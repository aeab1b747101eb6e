import type { OperationHandler } from '../http/operation-router';
import type { NotificationUseCases } from '../use-cases/notifications';
import { pageQuery, pathParam } from './input';

export function notificationRoutes(useCases: NotificationUseCases): Readonly<Record<string, OperationHandler>> {
  return {
    listUnseenNotifications: async ({ auth, input }) => ({
      status: 200,
      body: await useCases.listUnseen(auth.user, { patientId: pathParam(input, 'patientId'), ...pageQuery(input) }),
    }),
    acknowledgeNotifications: async ({ auth, input }) => {
      const { notificationIds } = input.body as { notificationIds: string[] };
      const { value, transactionId } = await useCases.acknowledge(
        auth.user,
        pathParam(input, 'patientId'),
        notificationIds,
      );
      return { status: 200, body: { ...value, transactionId } };
    },
  };
}
