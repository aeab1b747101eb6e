/** Typed errors of the audit export: each carries a stable code and a message that says what to do. */
import { MedRecError } from '../medrec-error';

export const AUDIT_EXPORT_ERROR_CODES = [
  'AUDIT_EXPORT_INVALID_FILTER',
  'AUDIT_EXPORT_PROOF_UNAVAILABLE',
  'AUDIT_EXPORT_BLOCK_UNAVAILABLE',
  'AUDIT_EXPORT_MALFORMED_BLOCK',
  'AUDIT_EXPORT_MALFORMED_FILE',
  // The verifier's input does not fit together (a separate manifest for a format that carries its own) or is too
  // large for a format read whole (FHIR).
  'AUDIT_EXPORT_UNSUPPORTED_INPUT',
] as const;
export type AuditExportErrorCode = (typeof AUDIT_EXPORT_ERROR_CODES)[number];

export class AuditExportError extends MedRecError<AuditExportErrorCode> {
  readonly code: AuditExportErrorCode;

  constructor(props: Readonly<{ code: AuditExportErrorCode; message: string; cause?: unknown }>) {
    super(props.message, props);
    this.code = props.code;
  }
}
