/** Why a proof of possession was refused. Each failure kind has its own class and a stable `code`. */
import { MedRecError } from '../medrec-error';

export const PROOF_ERROR_CODES = [
  'PROOF_MALFORMED',
  'PROOF_MISMATCH',
  'PROOF_STALE',
  'PROOF_REPLAYED',
  'PROOF_BAD_SIGNATURE',
  'PROOF_BAD_CERTIFICATE',
  'PROOF_REPLAY_CACHE_FULL',
  'PROOF_INVALID_OPTION',
] as const;
export type ProofErrorCode = (typeof PROOF_ERROR_CODES)[number];

export abstract class ProofError extends MedRecError<ProofErrorCode> {
  abstract override readonly code: ProofErrorCode;
}

/** A field of the proof is missing or has the wrong form. */
export class MalformedProofError extends ProofError {
  readonly code = 'PROOF_MALFORMED';
  readonly field: string;

  constructor(properties: Readonly<{ field: string; message: string }>) {
    super(properties.message);
    this.field = properties.field;
  }
}

/** The proof is for another ticket, record or purpose than the one requested. */
export class ProofMismatchError extends ProofError {
  readonly code = 'PROOF_MISMATCH';

  constructor(field: 'recordId' | 'ticketId' | 'purpose') {
    super(
      `The proof's ${field} does not match the request. Sign a new proof for exactly the ticket, record and purpose ` +
        'you are requesting.',
    );
  }
}

/** The proof's timestamp is outside the freshness window (too old, or too far in the future). */
export class StaleProofError extends ProofError {
  readonly code = 'PROOF_STALE';
  readonly skewMs: number;

  constructor(properties: Readonly<{ skewMs: number; windowMs: number }>) {
    super(
      `The proof's timestamp is ${Math.abs(properties.skewMs)} ms ${properties.skewMs < 0 ? 'in the past' : 'in the future'}, ` +
        `outside the ±${properties.windowMs} ms window. Sign a new proof with the current time (and check the clock).`,
    );
    this.skewMs = properties.skewMs;
  }
}

/** This exact proof has been presented before. */
export class ReplayedProofError extends ProofError {
  readonly code = 'PROOF_REPLAYED';

  constructor() {
    super('This proof has already been used. Sign a new proof, with a new nonce, for every request.');
  }
}

/**
 * The signature does not verify with the public key of the certificate recorded in the ticket. The gatekeeper gives
 * exactly this answer, too, for a ticket it cannot read (not on the ledger, or not its own): before the proof is
 * verified the caller is unauthenticated and must not learn whether a ticket exists.
 */
export class BadProofSignatureError extends ProofError {
  readonly code = 'PROOF_BAD_SIGNATURE';

  constructor() {
    super(
      'The proof does not verify with the certificate recorded in the access ticket (or there is no such ticket). ' +
        'Sign with the private key of the same certificate that requested the ticket, for that ticket id.',
    );
  }
}

/** The certificate cannot be used to verify proofs (unparseable, not ECDSA P-256, or outside its validity period). */
export class ProofCertificateError extends ProofError {
  readonly code = 'PROOF_BAD_CERTIFICATE';
}

/** Too many live proofs to remember; accepting more would mean forgetting some and allowing their replay. */
export class ReplayCacheFullError extends ProofError {
  readonly code = 'PROOF_REPLAY_CACHE_FULL';

  constructor(capacity: number) {
    super(
      `The gatekeeper is already tracking ${capacity} recent proofs and cannot accept more safely. Retry after a few ` +
        'seconds; operators can raise the replay cache capacity.',
    );
  }
}

/** A verifier or cache option is out of range (a configuration mistake, found at start-up). */
export class InvalidProofOptionError extends ProofError {
  readonly code = 'PROOF_INVALID_OPTION';
  readonly option: string;

  constructor(properties: Readonly<{ option: string; message: string }>) {
    super(properties.message);
    this.option = properties.option;
  }
}
