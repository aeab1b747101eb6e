/**
 * Proof of possession: the requester shows the gatekeeper that it holds the private key of the certificate recorded in
 * the access ticket, bound to one ticket, one record, the purpose of the read and the current time, so a captured
 * request cannot be reused, redirected to another record or re-labelled with another purpose.
 *
 * Signed bytes: the RFC 8785 canonical JSON (UTF-8) of
 *   {"context":"medrec/gatekeeper-read/v2","nonce":…,"purpose":…,"recordId":…,"ticketId":…,"timestamp":…}
 * signed with ECDSA P-256 over SHA-256 (the key type Fabric CAs issue), DER signature in base64. The context string
 * keeps these signatures from being valid for anything else the same key signs; it names v2 because v1 proofs did not
 * bind the purpose, and a v1 signature must never verify as a v2 one.
 */
import crypto from 'node:crypto';
import type { PurposeOfUse } from '../chaincode-types';
import { canonicalJson } from '../fhir/content-hash';

export const PROOF_CONTEXT = 'medrec/gatekeeper-read/v2';

/** The HL7 PurposeOfUse codes a ticket can carry (chaincode/src/common/schemas.ts holds the ledger's list). */
export const PURPOSES_OF_USE: readonly PurposeOfUse[] = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'HRESCH', 'PUBHLTH'];

export function isPurposeOfUse(value: unknown): value is PurposeOfUse {
  return typeof value === 'string' && (PURPOSES_OF_USE as readonly string[]).includes(value);
}

export interface PossessionProof {
  readonly ticketId: string;
  readonly recordId: string;
  /** Why the requester reads: must equal the ticket's purpose (a break-glass ETREAT ticket is not a TREAT read). */
  readonly purpose: PurposeOfUse;
  /** Milliseconds since the Unix epoch when the proof was signed. */
  readonly timestamp: number;
  /** 128 random bits, base64url; makes every proof unique even within one millisecond. */
  readonly nonce: string;
  /** Base64 DER ECDSA signature over {@link possessionProofBytes}. */
  readonly signature: string;
}

export type UnsignedProof = Omit<PossessionProof, 'signature'>;

/** The exact bytes that are signed and verified. */
export function possessionProofBytes(proof: Readonly<UnsignedProof>): Buffer {
  return Buffer.from(
    canonicalJson({
      context: PROOF_CONTEXT,
      nonce: proof.nonce,
      purpose: proof.purpose,
      recordId: proof.recordId,
      ticketId: proof.ticketId,
      timestamp: proof.timestamp,
    }),
    'utf8',
  );
}

export interface PossessionProofOptions {
  readonly ticketId: string;
  readonly recordId: string;
  readonly purpose: PurposeOfUse;
  /** PKCS#8 PEM (as Fabric CAs and wallets store it) or a KeyObject of the requester's certificate key. */
  readonly privateKey: string | crypto.KeyObject;
  /** Current time in epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** Signs a fresh proof for one request. Call once per request: a proof is accepted only once. */
export function createPossessionProof(options: Readonly<PossessionProofOptions>): PossessionProof {
  const unsigned: UnsignedProof = {
    ticketId: options.ticketId,
    recordId: options.recordId,
    purpose: options.purpose,
    timestamp: (options.now ?? Date.now)(),
    nonce: crypto.randomBytes(16).toString('base64url'),
  };
  const key = typeof options.privateKey === 'string' ? crypto.createPrivateKey(options.privateKey) : options.privateKey;
  const signature = crypto.sign('sha256', possessionProofBytes(unsigned), key).toString('base64');
  return { ...unsigned, signature };
}
