/**
 * Proof of possession: the requester shows the gatekeeper that it holds the private key of the certificate recorded in
 * the access ticket, bound to one ticket, one record and the current time, so a captured request cannot be reused.
 *
 * Signed bytes: the RFC 8785 canonical JSON (UTF-8) of
 *   {"context":"medrec/gatekeeper-read/v1","nonce":…,"recordId":…,"ticketId":…,"timestamp":…}
 * signed with ECDSA P-256 over SHA-256 (the key type Fabric CAs issue), DER signature in base64. The context string
 * keeps these signatures from being valid for anything else the same key signs.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../fhir/content-hash';

export const PROOF_CONTEXT = 'medrec/gatekeeper-read/v1';

export interface PossessionProof {
  readonly ticketId: string;
  readonly recordId: string;
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
    timestamp: (options.now ?? Date.now)(),
    nonce: crypto.randomBytes(16).toString('base64url'),
  };
  const key = typeof options.privateKey === 'string' ? crypto.createPrivateKey(options.privateKey) : options.privateKey;
  const signature = crypto.sign('sha256', possessionProofBytes(unsigned), key).toString('base64');
  return { ...unsigned, signature };
}
