import { createHash, verify, type KeyObject } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { ClientIdentity, type ChaincodeStub } from 'fabric-shim';
import { organisationSchema, READ_REQUEST_WINDOW_MS, readRequestBytes, type SignedReadRequest } from '@medrec/contract';
import { chainsToAnyRoot, organizationalUnits, parseCertificate, validAt } from '../common/certs';
import { conflict, forbidden } from '../common/errors';
import { KEY, key } from '../common/keys';
import { exists, readState, writeState } from '../common/state';
import type { TxTime } from '../common/time';
import { isRetired } from '../registrar/retired';

/**
 * The requester of a signed read request (Access:Disclose), established from the request alone, as the peer's MSP
 * establishes a transaction's creator: the certificate was issued directly by one of the requester organisation's
 * CA roots registered on the ledger, is a client certificate (Fabric CA's OU=client), is valid at the transaction's
 * time, and its key signed exactly these request bytes. Every endorsing peer computes the same answer: nothing here
 * depends on the peer's clock or trust store.
 *
 * Returns a Context whose clientIdentity is the requester's (read by fabric-shim's own ClientIdentity, so attributes
 * and enrolment are read exactly as for a real creator); authorize() then checks the participant binding, status
 * and role on it like for any transaction. A certificate revoked at the CA but whose participant is still active
 * would pass here (the ledger holds no CRL): deactivating the participant is what ends its access.
 */
export async function requesterContext(ctx: Context, request: SignedReadRequest, now: TxTime): Promise<Context> {
  if (Math.abs(now.ms - request.timestamp) > READ_REQUEST_WINDOW_MS) {
    throw forbidden(
      `the read request was signed at ${new Date(request.timestamp).toISOString()}, more than ` +
        `${READ_REQUEST_WINDOW_MS / 1000} s from the transaction time ${now.iso}; sign a new request`,
    );
  }
  const cert = parseCertificate(request.certPem);
  if (cert === undefined) {
    throw forbidden(
      "the read request's certPem is not an X.509 certificate; send the requester's enrolment certificate",
    );
  }
  const organisation = await readState(
    ctx,
    key(ctx, KEY.organisation, request.requesterMsp),
    organisationSchema,
    'organisation',
  );
  if (isRetired(organisation)) {
    // Its certificates still chain to the roots it registered; leaving must end its people's reads all the same.
    throw forbidden(
      `${request.requesterMsp} left the consortium at ${organisation.retirement.retiredAt}: its people's read ` +
        'requests are no longer honoured',
    );
  }
  if (organisation === undefined || !chainsToAnyRoot(cert, organisation.caRootCertsPem)) {
    throw forbidden(
      `the read request's certificate was not issued by a CA of ${request.requesterMsp}; sign with an identity ` +
        "enrolled at the requester's organisation",
    );
  }
  if (!organizationalUnits(cert).includes('client')) {
    throw forbidden("the read request's certificate is not a client certificate (OU=client); sign as a person");
  }
  if (!validAt(cert, now.iso)) {
    throw forbidden(
      `the read request's certificate is not valid at ${now.iso} (valid ${cert.validFrom} to ${cert.validTo}); ` +
        're-enrol the requester',
    );
  }
  if (!signatureVerifies(request, cert.publicKey)) {
    throw forbidden("the read request's signature does not verify with its certificate; sign the request again");
  }
  const stub = ctx.stub;
  const creator = { mspid: request.requesterMsp, idBytes: Buffer.from(request.certPem, 'utf8') };
  // fabric-shim reads the creator, channel and transaction id from its stub argument and nothing else.
  const identityStub = {
    getChannelID: () => stub.getChannelID(),
    getTxID: () => stub.getTxID(),
    getCreator: () => creator,
  } as unknown as ChaincodeStub;
  let clientIdentity: ClientIdentity;
  try {
    clientIdentity = new ClientIdentity(identityStub);
  } catch {
    throw forbidden("the read request's certificate cannot be read as a Fabric identity; send the enrolment PEM");
  }
  return { stub, clientIdentity } as unknown as Context;
}

function signatureVerifies(request: SignedReadRequest, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', readRequestBytes(request), publicKey, Buffer.from(request.signature, 'base64'));
  } catch {
    // Malformed DER makes OpenSSL throw rather than return false; either way the signature is bad.
    return false;
  }
}

/**
 * Accepts each signed request once: its digest is kept on the ledger, so a captured request cannot be replayed to
 * any gatekeeper, now or later (the time window bounds how long a replay would otherwise stay possible).
 */
export async function consumeReadRequest(ctx: Context, request: SignedReadRequest): Promise<void> {
  const digest = createHash('sha256').update(readRequestBytes(request)).digest('hex');
  const used = key(ctx, KEY.readRequest, digest);
  if (await exists(ctx, used)) {
    throw conflict('this read request was already used; sign a new request (with a new nonce) for every read');
  }
  await writeState(ctx, used, { txId: ctx.stub.getTxID() });
}
