import type { Context } from 'fabric-contract-api';
import { KEY, key } from '../common/keys';
import { writeState } from '../common/state';
import { txTime } from '../common/time';
import type { Notification } from '@medrec/contract';

/** Queues an unseen notification for the patient; ids are time + transaction id, so they sort and never collide. */
export async function notifyPatient(
  ctx: Context,
  patientId: string,
  kind: Notification['kind'],
  subjectId: string,
): Promise<void> {
  const txId = ctx.stub.getTxID();
  const { iso } = txTime(ctx);
  const notification: Notification = { notificationId: `${iso}:${txId}`, patientId, kind, subjectId, txId, time: iso };
  await writeState(ctx, key(ctx, KEY.notification, patientId, notification.notificationId), notification);
}
