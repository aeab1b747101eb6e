/**
 * Signed read requests (Access:Disclose) made the way a requester makes them: a real client certificate issued by its
 * organisation's test CA, carrying the medrec.role / medrec.id attributes, and the SDK's own signer.
 */
import { createReadRequest } from '../../../../sdk/src/gatekeeper/read-request';
import type { PurposeOfUse, SignedReadRequest } from '../../../../sdk/src/chaincode-types';
import { issueLeaf, orgPki, type TestLeaf } from './certs';
import { H1, T0 } from './world';

export interface Requester {
  readonly mspId: string;
  readonly participantId: string;
  readonly leaf: TestLeaf;
}

const requesters = new Map<string, Requester>();

/**
 * The enrolled identity of a seeded participant (CN = its enrollment id, which the seed sets to the participant id),
 * issued by `caMspId`'s CA (default: its own organisation's); `ou` defaults to Fabric CA's 'client'.
 */
export function requester(
  mspId: string,
  participantId: string,
  role: string,
  options: Readonly<{ ou?: string; caMspId?: string; days?: number }> = {},
): Requester {
  const ou = options.ou ?? 'client';
  const caMsp = options.caMspId ?? mspId;
  const cacheKey = [mspId, participantId, role, ou, caMsp, options.days ?? 0].join('|');
  let found = requesters.get(cacheKey);
  if (found === undefined) {
    const leaf = issueLeaf(orgPki(caMsp).ca, `/C=US/O=${mspId}/OU=${ou}/CN=${participantId}`, options.days ?? 36500, {
      'medrec.role': role,
      'medrec.id': participantId,
    });
    found = { mspId, participantId, leaf };
    requesters.set(cacheKey, found);
  }
  return found;
}

/** A fresh signed request by `who` to read `recordId` at `custodianMsp` (default H1), signed at `atMs`. */
export function signedRead(
  who: Requester,
  overrides: Readonly<{ recordId?: string; purpose?: PurposeOfUse; custodianMsp?: string; atMs?: number }> = {},
): SignedReadRequest {
  return createReadRequest({
    recordId: overrides.recordId ?? 'rec1',
    purpose: overrides.purpose ?? 'TREAT',
    custodianMsp: overrides.custodianMsp ?? H1,
    requesterMsp: who.mspId,
    certificate: who.leaf.certPem,
    privateKey: who.leaf.privateKey,
    now: () => overrides.atMs ?? T0 + 60_000,
  });
}
