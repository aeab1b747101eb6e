import { describeFhirResource, type DescribeRecord } from '@medrec/sdk';
import type { RecordStore } from './record-store';

export interface StoreRecordDescriberOptions {
  /** This organisation's record store. */
  readonly store: RecordStore;
  /** This organisation: only the records it holds as custodian are described from its store. */
  readonly mspId: string;
}

/**
 * The accounting of disclosures' description of a disclosed record, from the content this custodian holds: its
 * FHIR resource type and code (never on the ledger). Reading one's own store to account for a disclosure releases
 * nothing to anyone new, so no ticket is asked for. A record held elsewhere, stored under another patient, or not
 * readable as JSON is left to the accounting's fallback (the record's category on the ledger).
 */
export function createStoreRecordDescriber(options: Readonly<StoreRecordDescriberOptions>): DescribeRecord {
  return async (ticket) => {
    if (ticket.custodianMsp !== options.mspId) return undefined;
    const record = await options.store.get(ticket.recordId);
    if (record?.patientId !== ticket.patientId) return undefined;
    try {
      return describeFhirResource(JSON.parse(record.resourceJson) as unknown);
    } catch {
      return undefined;
    }
  };
}
