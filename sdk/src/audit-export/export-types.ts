import type { AuditEvent } from '../chaincode-types';

/** What an export selects. Either `patientId` or `actorId` is required (they pick the ledger index to read). */
export interface ExportFilters {
  readonly patientId?: string;
  readonly actorId?: string;
  /** The actor's MSP id. */
  readonly organisation?: string;
  readonly eventTypes?: readonly string[];
  /** Inclusive lower bound, UTC ISO 8601 (the window is `[from, to)`, as on the ledger). */
  readonly from?: string;
  /** Exclusive upper bound, UTC ISO 8601. */
  readonly to?: string;
}

/** Where and how the transaction that wrote an audit event was committed. */
export interface LedgerProof {
  readonly channel: string;
  readonly blockNumber: number;
  readonly transactionId: string;
  /** Fabric's validation code name from the block's TRANSACTIONS_FILTER, e.g. `VALID`. */
  readonly validationCode: string;
}

/** One exported event with its ledger proof. */
export interface ExportEntry {
  readonly event: AuditEvent;
  readonly proof: LedgerProof;
}

export interface ExportGenerator {
  readonly participantId: string;
  readonly mspId: string;
  /** The exporter's Fabric identity certificate, which verifies the manifest signature. */
  readonly certificatePem: string;
}

export interface ExportManifest {
  /** Format 2 added `ledgerHeight`. */
  readonly format: 'medrec-audit-export/2';
  readonly filters: ExportFilters;
  readonly generatedAt: string;
  readonly generatedBy: ExportGenerator;
  readonly channel: string;
  readonly eventCount: number;
  /** True when the export holds every event its filters select (the writer read the source to the end). */
  readonly complete: boolean;
  /**
   * The channel's height (number of blocks) read before the first event was: every event the filters select that
   * was committed in blocks 0 .. ledgerHeight - 1 is in a complete export. A verifier needs the chain up to here.
   */
  readonly ledgerHeight: number;
  /** Lowest and highest block number holding an exported event; null for an empty export. */
  readonly blockRange: { readonly first: number; readonly last: number } | null;
  /**
   * SHA-256 (lowercase hex) of the exported content, independent of the file format: the UTF-8 bytes of
   * `canonicalJson({event, proof}) + "\n"` for every entry, in export order (RFC 8785 canonical JSON).
   */
  readonly contentSha256: string;
}

export interface SignedManifest extends ExportManifest {
  /**
   * ECDSA (P-256, SHA-256) signature, DER, base64, by the exporter's Fabric identity key over the UTF-8 bytes of the
   * canonical JSON of the manifest without this field.
   */
  readonly signature: string;
}
