/**
 * A read request for the one-transaction read (Access:Disclose): the requester signs what it reads (record, purpose,
 * custodian) with the key of its enrolment certificate, and the custodian's gatekeeper submits the request to the
 * ledger, which identifies the requester from the certificate and signature alone. The signed bytes are the
 * contract's (readRequestBytes), so the signer and every verifier (gatekeeper, chaincode) cannot drift.
 *
 * Signature: ECDSA P-256 over SHA-256 (the key type Fabric CAs issue), DER, base64.
 */
import crypto from 'node:crypto';
import { readRequestBytes } from '@medrec/contract';
import type { PurposeOfUse, ReadRequest, SignedReadRequest } from '../chaincode-types';

export interface ReadRequestOptions {
  readonly recordId: string;
  readonly purpose: PurposeOfUse;
  /** The organisation holding the record (its gatekeeper is the only one that may submit the request). */
  readonly custodianMsp: string;
  /** The requester's MSP id and enrolment certificate (PEM). */
  readonly requesterMsp: string;
  readonly certificate: string;
  /** PKCS#8 PEM or a KeyObject of the certificate's key. */
  readonly privateKey: string | crypto.KeyObject;
  /** Current time in epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** Signs a fresh request for one read. Call once per read: the ledger accepts a request once. */
export function createReadRequest(options: Readonly<ReadRequestOptions>): SignedReadRequest {
  const request: ReadRequest = {
    recordId: options.recordId,
    purpose: options.purpose,
    custodianMsp: options.custodianMsp,
    requesterMsp: options.requesterMsp,
    certPem: options.certificate,
    timestamp: (options.now ?? Date.now)(),
    nonce: crypto.randomBytes(16).toString('base64url'),
  };
  const key = typeof options.privateKey === 'string' ? crypto.createPrivateKey(options.privateKey) : options.privateKey;
  const signature = crypto.sign('sha256', readRequestBytes(request), key).toString('base64');
  return { ...request, signature };
}
