/** Errors of giving people identities: the organisation's Fabric CA, and the wallet that keeps what it issues. */
import { MedRecError } from './medrec-error';

export const IDENTITY_ERROR_CODES = ['IDENTITY_EXISTS', 'IDENTITY_SERVICE_FAILED'] as const;
export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];

export abstract class IdentityError extends MedRecError<IdentityErrorCode> {
  abstract override readonly code: IdentityErrorCode;
}

/** The wallet already holds the identity a new participant was to get. */
export class IdentityExistsError extends IdentityError {
  readonly code = 'IDENTITY_EXISTS';
  readonly enrollmentId: string;

  constructor(enrollmentId: string) {
    super(`the wallet already holds an identity enrolled as ${enrollmentId}; a new participant needs a new identity`);
    this.enrollmentId = enrollmentId;
  }
}

/** A call to the Fabric CA failed (unreachable, untrusted TLS, or refused); `cause` is the CA client's error. */
export class IdentityServiceError extends IdentityError {
  readonly code = 'IDENTITY_SERVICE_FAILED';

  constructor(operation: string, cause: unknown) {
    super(
      `Fabric CA ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}; check the CA URL, its TLS root and the registrar's rights`,
      { cause },
    );
  }
}
