/** Typed errors of the audit export: each carries a stable code and a message that says what to do. */
export type AuditExportErrorCode =
  | 'AUDIT_EXPORT_INVALID_FILTER'
  | 'AUDIT_EXPORT_PROOF_UNAVAILABLE'
  | 'AUDIT_EXPORT_BLOCK_UNAVAILABLE'
  | 'AUDIT_EXPORT_MALFORMED_BLOCK'
  | 'AUDIT_EXPORT_MALFORMED_FILE';

export class AuditExportError extends Error {
  readonly code: AuditExportErrorCode;

  constructor(props: Readonly<{ code: AuditExportErrorCode; message: string; cause?: unknown }>) {
    super(props.message, { cause: props.cause });
    this.name = 'AuditExportError';
    this.code = props.code;
  }
}
