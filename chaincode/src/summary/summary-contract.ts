import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { recordAudit } from '../audit/audit-log';
import { parseArg, parseJsonArg } from '../common/args';
import { authorize } from '../common/caller';
import { KEY, key } from '../common/keys';
import { toJson } from '../common/marshal';
import { MedRecContract } from '../common/medrec-contract';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  idSchema,
  acknowledgementSchema,
  listNotificationsQuerySchema,
  notificationSchema,
} from '@medrec/contract';
import { exists, pageByPartialKey } from '../common/state';
import { assertActsForPatient } from '../consent/acts-for-patient';
import { storedRelationshipSchema } from '../records/records-store';

/** MedRec's patient view: every provider relationship and what happened since the patient last looked. */
@Info({ title: 'Summary', description: 'Per-patient summary and notifications' })
export class SummaryContract extends MedRecContract {
  public constructor() {
    super('Summary');
  }

  @Transaction(false)
  @Param('patientId', 'string', 'the patient')
  @Returns('string')
  public async GetSummary(ctx: Context, patientId: string): Promise<string> {
    const caller = await authorize(ctx, 'Summary:GetSummary');
    const id = parseArg(idSchema, patientId, 'patientId');
    await assertActsForPatient(ctx, caller, id);
    const relationships = await pageByPartialKey(
      ctx,
      KEY.relationship,
      [id],
      { pageSize: MAX_PAGE_SIZE, bookmark: '' },
      // Entries written before relationships stopped counting records read as their current shape.
      storedRelationshipSchema,
      'relationship',
    );
    const notifications = await pageByPartialKey(
      ctx,
      KEY.notification,
      [id],
      { pageSize: DEFAULT_PAGE_SIZE, bookmark: '' },
      notificationSchema,
      'notification',
    );
    return toJson({
      patientId: id,
      relationships: relationships.items,
      moreRelationships: relationships.bookmark !== '',
      notifications: notifications.items,
      notificationsBookmark: notifications.bookmark,
    });
  }

  @Transaction(false)
  @Param('query', 'string', 'JSON {patientId, pageSize?: 1-200, bookmark?}')
  @Returns('string')
  public async ListNotifications(ctx: Context, query: string): Promise<string> {
    const caller = await authorize(ctx, 'Summary:ListNotifications');
    const input = parseJsonArg(listNotificationsQuerySchema, query, 'query');
    await assertActsForPatient(ctx, caller, input.patientId);
    return toJson(
      await pageByPartialKey(ctx, KEY.notification, [input.patientId], input, notificationSchema, 'notification'),
    );
  }

  /** Removes the acknowledged notifications from the unseen list; ids already gone are skipped. */
  @Transaction()
  @Param('acknowledgement', 'string', 'JSON {patientId, notificationIds: string[1-200]}')
  @Returns('string')
  public async AcknowledgeNotifications(ctx: Context, acknowledgement: string): Promise<string> {
    const caller = await authorize(ctx, 'Summary:AcknowledgeNotifications');
    const input = parseJsonArg(acknowledgementSchema, acknowledgement, 'acknowledgement');
    await assertActsForPatient(ctx, caller, input.patientId);
    const acknowledged: string[] = [];
    for (const notificationId of new Set(input.notificationIds)) {
      const notificationKey = key(ctx, KEY.notification, input.patientId, notificationId);
      if (await exists(ctx, notificationKey)) {
        await ctx.stub.deleteState(notificationKey);
        acknowledged.push(notificationId);
      }
    }
    if (acknowledged.length > 0) {
      await recordAudit(ctx, caller, {
        type: 'NotificationsAcknowledged',
        patientId: input.patientId,
        subject: { kind: 'notification', id: `${acknowledged.length}` },
      });
    }
    return toJson({ patientId: input.patientId, acknowledged });
  }
}
