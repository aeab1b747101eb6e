/** Errors of the custodian's write path: storing a record and registering it on the ledger in its author's name. */
import { MedRecError } from '@medrec/sdk';

export const RECORD_REGISTRATION_ERROR_CODES = ['AUTHOR_MISMATCH'] as const;
export type RecordRegistrationErrorCode = (typeof RECORD_REGISTRATION_ERROR_CODES)[number];

export abstract class RecordRegistrationError extends MedRecError<RecordRegistrationErrorCode> {
  abstract override readonly code: RecordRegistrationErrorCode;
}

/**
 * The ledger would credit the registration to someone other than the author given: the client signs as another
 * participant than `authorId` says, or the ledger already holds this record id registered by another clinician.
 * Nothing was written.
 */
export class RecordAuthorMismatchError extends RecordRegistrationError {
  readonly code = 'AUTHOR_MISMATCH';
  readonly recordId: string;
  readonly authorId: string;
  readonly registeredBy: string;

  constructor(properties: Readonly<{ recordId: string; authorId: string; registeredBy: string }>) {
    super(
      `Record ${properties.recordId} would be registered by ${properties.registeredBy}, not by its author ` +
        `${properties.authorId}. Sign with the author's own identity, or store the content under a new record id.`,
    );
    this.recordId = properties.recordId;
    this.authorId = properties.authorId;
    this.registeredBy = properties.registeredBy;
  }
}
