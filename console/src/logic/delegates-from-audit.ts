/**
 * The patient's delegates as their audit trail tells them (the ledger lists no delegates): proposed by a registrar,
 * active once appointed or accepted, gone once removed; the latest event per delegate wins.
 */
import type { AuditEvent } from '@medrec/contract';

export type DelegateStatus = 'proposed' | 'active';

const STATUS_AFTER: Partial<Record<AuditEvent['type'], DelegateStatus | 'removed'>> = {
  DelegateProposed: 'proposed',
  DelegateAdded: 'active',
  DelegateRemoved: 'removed',
};

export function delegatesFromAudit(events: readonly AuditEvent[]): Map<string, DelegateStatus> {
  const delegates = new Map<string, DelegateStatus>();
  const ordered = [...events].sort((a, b) => a.time.localeCompare(b.time));
  for (const event of ordered) {
    const after = STATUS_AFTER[event.type];
    if (after === undefined || event.subject.kind !== 'delegate') continue;
    if (after === 'removed') delegates.delete(event.subject.id);
    else delegates.set(event.subject.id, after);
  }
  return delegates;
}
