/** A patient's unseen notifications as a list (the live stream is in patients.ts), and marking them seen. */
import type { Notification, NotificationAcknowledgement, Page, PageQuery } from '@medrec/sdk';
import type { LedgerGateway, UserContext } from '../ports';
import type { Changed } from './relationships';

export interface NotificationUseCases {
  listUnseen(user: UserContext, query: PageQuery & { readonly patientId: string }): Promise<Page<Notification>>;
  acknowledge(
    user: UserContext,
    patientId: string,
    notificationIds: readonly string[],
  ): Promise<Changed<NotificationAcknowledgement>>;
}

export function createNotificationUseCases(ports: Readonly<{ ledger: LedgerGateway }>): NotificationUseCases {
  const { ledger } = ports;
  return {
    async listUnseen(user, query) {
      return (await ledger.clientFor(user)).listNotifications(query);
    },
    async acknowledge(user, patientId, notificationIds) {
      return (await ledger.clientFor(user)).acknowledgeNotifications(patientId, notificationIds);
    },
  };
}
