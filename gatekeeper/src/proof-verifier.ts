/**
 * The gatekeeper's side of proof of possession. Checks, in order: the proof is well formed; it names the requested
 * ticket, record and purpose; its timestamp is fresh (these three need nothing from the ledger: `checkRequest`); the
 * ticket's certificate holds a P-256 key; the signature verifies; the certificate is within its validity period; and
 * the proof has not been seen before. The validity period is checked only after the signature, so an unauthenticated
 * caller learns nothing about the requester's certificate. The replay check comes last so that only correctly signed
 * proofs occupy the replay cache (an attacker cannot fill it with junk).
 */
import crypto from 'node:crypto';
import {
  BadProofSignatureError,
  InvalidProofOptionError,
  isPurposeOfUse,
  MalformedProofError,
  type PossessionProof,
  possessionProofBytes,
  ProofCertificateError,
  ProofMismatchError,
  ReplayedProofError,
  StaleProofError,
} from '@medrec/sdk';
import { readRequestBytes, signedReadRequestSchema, type SignedReadRequest } from '@medrec/contract';
import { createMemoryReplayCache, type ReplayCache } from './replay-cache';
import { issuedByRoot, parsedCertificate } from './certificate-cache';

export const DEFAULT_PROOF_WINDOW_MS = 60_000;
const MAX_PROOF_WINDOW_MS = 10 * 60_000;

export interface ProofVerifierOptions {
  /** Largest accepted difference between the proof's timestamp and now, either way; defaults to 60 s. */
  readonly windowMs?: number;
  /** Current time in epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** Where seen proofs are remembered; defaults to a private in-memory cache (see replay-cache.ts). */
  readonly replayCache?: ReplayCache;
}

/** What the request names: the proof must be signed for exactly this. */
export interface ProofRequestSubject {
  readonly ticketId: string;
  readonly recordId: string;
  readonly purpose: string;
}

/** The request plus what the gatekeeper read from the ledger, against which the proof is checked. */
export interface ExpectedProofSubject extends ProofRequestSubject {
  /** PEM of the requester's certificate as recorded in the access ticket. */
  readonly certificate: string;
}

export interface ProofVerifier {
  /**
   * The checks that need only the request (form, binding to the request, freshness), so the gatekeeper can run them
   * before it reads any ticket state. Returns the parsed proof or throws a ProofError subclass.
   */
  checkRequest(proof: unknown, request: Readonly<ProofRequestSubject>): PossessionProof;
  /** Every check, checkRequest's included. Resolves with the verified proof, or rejects with a ProofError subclass. */
  verify(proof: unknown, expected: Readonly<ExpectedProofSubject>): Promise<PossessionProof>;
  /**
   * A signed read request (one-transaction read), checked as far as the gatekeeper can before it spends a ledger
   * transaction on it: form, freshness, a P-256 certificate, the signature, a certificate issued by one of
   * `rootsOf(requesterMsp)` (undefined: an organisation the ledger does not know) and valid now, and not seen before.
   * An unknown signer gets the same answer as a bad signature. The ledger repeats the identity checks itself.
   */
  verifyReadRequest(
    input: unknown,
    rootsOf: (mspId: string) => Promise<readonly string[] | undefined>,
  ): Promise<SignedReadRequest>;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
// A DER P-256 signature is at most 72 bytes (96 base64 characters); allow slack but bound the input.
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{8,200}={0,2}$/;

function field(
  record: Readonly<Record<string, unknown>>,
  name: Exclude<keyof PossessionProof, 'purpose' | 'timestamp'>,
  pattern: RegExp,
): string {
  const value = record[name];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new MalformedProofError({
      field: name,
      message: `The proof's ${name} is missing or malformed: ${HINTS[name]}`,
    });
  }
  return value;
}

const HINTS: Readonly<Record<keyof PossessionProof, string>> = {
  ticketId: 'send the access ticket id exactly as issued.',
  recordId: 'send the record id exactly as registered.',
  purpose: 'send the HL7 PurposeOfUse code you read for (TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH or PUBHLTH).',
  timestamp: 'send the signing time as whole milliseconds since the Unix epoch.',
  nonce: 'send 16 random bytes encoded as base64url (22 characters).',
  signature: 'send the base64 DER ECDSA signature.',
};

function parseProof(input: unknown): PossessionProof {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new MalformedProofError({
      field: 'proof',
      message: 'The proof must be an object with ticketId, recordId, purpose, timestamp, nonce and signature.',
    });
  }
  const record = input as Readonly<Record<string, unknown>>;
  const purpose = record.purpose;
  if (!isPurposeOfUse(purpose)) {
    throw new MalformedProofError({
      field: 'purpose',
      message: `The proof's purpose is missing or malformed: ${HINTS.purpose}`,
    });
  }
  const timestamp = record.timestamp;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new MalformedProofError({
      field: 'timestamp',
      message: `The proof's timestamp is missing or malformed: ${HINTS.timestamp}`,
    });
  }
  return {
    ticketId: field(record, 'ticketId', ID_PATTERN),
    recordId: field(record, 'recordId', ID_PATTERN),
    purpose,
    timestamp,
    nonce: field(record, 'nonce', NONCE_PATTERN),
    signature: field(record, 'signature', SIGNATURE_PATTERN),
  };
}

function parseCertificate(pem: string): crypto.X509Certificate {
  let certificate: crypto.X509Certificate;
  try {
    certificate = parsedCertificate(pem);
  } catch (error) {
    throw new ProofCertificateError(
      'The certificate recorded in the ticket cannot be parsed as X.509 PEM. Re-issue the ticket with the ' +
        "requester's enrolment certificate.",
      { cause: error },
    );
  }
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ProofCertificateError(
      'The certificate in the ticket does not hold an ECDSA P-256 key, the only key type accepted for proofs. ' +
        'Enrol the requester with a P-256 key (the Fabric CA default).',
    );
  }
  return certificate;
}

function checkValidity(certificate: crypto.X509Certificate, nowMs: number): void {
  const validFrom = Date.parse(certificate.validFrom);
  const validTo = Date.parse(certificate.validTo);
  if (!(validFrom <= nowMs && nowMs <= validTo)) {
    throw new ProofCertificateError(
      `The requester's certificate is not valid now (valid ${certificate.validFrom} to ${certificate.validTo}). ` +
        'Re-enrol the requester and request a new ticket.',
    );
  }
}

function verifySignature(proof: PossessionProof, key: crypto.KeyObject): boolean {
  return verifyBytes(possessionProofBytes(proof), proof.signature, key);
}

function verifyBytes(bytes: Uint8Array, signature: string, key: crypto.KeyObject): boolean {
  try {
    return crypto.verify('sha256', bytes, key, Buffer.from(signature, 'base64'));
  } catch {
    // Malformed DER makes OpenSSL throw rather than return false; either way the signature is bad.
    return false;
  }
}

function parseReadRequest(input: unknown): SignedReadRequest {
  const parsed = signedReadRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? 'request';
  throw new MalformedProofError({
    field: field === '' ? 'request' : field,
    message:
      `The read request's ${field === '' ? 'shape' : field} is missing or malformed (${issue?.message ?? 'invalid'}): ` +
      'send {recordId, purpose, custodianMsp, requesterMsp, certPem, timestamp, nonce, signature} as createReadRequest makes it.',
  });
}

function issuedByAnyRoot(certificate: crypto.X509Certificate, rootsPem: readonly string[]): boolean {
  return rootsPem.some((pem) => issuedByRoot(certificate, pem));
}

class Verifier implements ProofVerifier {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #replayCache: ReplayCache;

  constructor(windowMs: number, now: () => number, replayCache: ReplayCache) {
    this.#windowMs = windowMs;
    this.#now = now;
    this.#replayCache = replayCache;
  }

  checkRequest(input: unknown, request: Readonly<ProofRequestSubject>): PossessionProof {
    const proof = parseProof(input);
    if (proof.ticketId !== request.ticketId) throw new ProofMismatchError('ticketId');
    if (proof.recordId !== request.recordId) throw new ProofMismatchError('recordId');
    if (proof.purpose !== request.purpose) throw new ProofMismatchError('purpose');
    const skewMs = proof.timestamp - this.#now();
    if (Math.abs(skewMs) > this.#windowMs) throw new StaleProofError({ skewMs, windowMs: this.#windowMs });
    return proof;
  }

  async verify(input: unknown, expected: Readonly<ExpectedProofSubject>): Promise<PossessionProof> {
    const proof = this.checkRequest(input, expected);
    const nowMs = this.#now();
    const certificate = parseCertificate(expected.certificate);
    if (!verifySignature(proof, certificate.publicKey)) throw new BadProofSignatureError();
    checkValidity(certificate, nowMs);
    // Keyed on the signed bytes (which include the nonce), so re-encoding the signature does not dodge the check.
    const replayKey = crypto.createHash('sha256').update(possessionProofBytes(proof)).digest('hex');
    if (!(await this.#replayCache.remember(replayKey, proof.timestamp + this.#windowMs, nowMs))) {
      throw new ReplayedProofError();
    }
    return proof;
  }

  async verifyReadRequest(
    input: unknown,
    rootsOf: (mspId: string) => Promise<readonly string[] | undefined>,
  ): Promise<SignedReadRequest> {
    const request = parseReadRequest(input);
    const nowMs = this.#now();
    const skewMs = request.timestamp - nowMs;
    if (Math.abs(skewMs) > this.#windowMs) throw new StaleProofError({ skewMs, windowMs: this.#windowMs });
    const certificate = parseCertificate(request.certPem);
    if (!verifyBytes(readRequestBytes(request), request.signature, certificate.publicKey)) {
      throw new BadProofSignatureError();
    }
    const roots = await rootsOf(request.requesterMsp);
    if (roots === undefined || !issuedByAnyRoot(certificate, roots)) throw new BadProofSignatureError();
    checkValidity(certificate, nowMs);
    const replayKey = crypto.createHash('sha256').update(readRequestBytes(request)).digest('hex');
    if (!(await this.#replayCache.remember(`read:${replayKey}`, request.timestamp + this.#windowMs, nowMs))) {
      throw new ReplayedProofError();
    }
    return request;
  }
}

export function createProofVerifier(options: Readonly<ProofVerifierOptions> = {}): ProofVerifier {
  const windowMs = options.windowMs ?? DEFAULT_PROOF_WINDOW_MS;
  if (!Number.isSafeInteger(windowMs) || windowMs < 1000 || windowMs > MAX_PROOF_WINDOW_MS) {
    throw new InvalidProofOptionError({
      option: 'windowMs',
      message: `windowMs must be a whole number of milliseconds from 1000 to ${MAX_PROOF_WINDOW_MS}.`,
    });
  }
  return new Verifier(windowMs, options.now ?? Date.now, options.replayCache ?? createMemoryReplayCache());
}
