import { verify as verifySignature, type X509Certificate } from 'node:crypto';
import { ledger, msp, peer } from '@hyperledger/fabric-protos';

/** Fabric's chaincode namespace of MedRec in a transaction's read-write set (the chaincode name). */
export const MEDREC_NAMESPACE = 'medrec';

/** Curve orders of the ECDSA curves Fabric MSPs use, for the low-S rule. */
const CURVE_ORDERS: Readonly<Record<string, bigint>> = {
  prime256v1: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  secp384r1: BigInt(
    '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  ),
};

export interface DecodedIdentity {
  mspId: string;
  idBytes: Buffer;
}

/** msp.SerializedIdentity {mspid, id_bytes}; undefined when the bytes are not one. */
export function decodeSerializedIdentity(bytes: Buffer): DecodedIdentity | undefined {
  try {
    const identity = msp.SerializedIdentity.deserializeBinary(bytes);
    return { mspId: identity.getMspid(), idBytes: Buffer.from(identity.getIdBytes_asU8()) };
  } catch {
    return undefined;
  }
}

export type SignatureCheck = 'ok' | 'malformed' | 'high-s' | 'unsupported-key' | 'invalid';

/**
 * What a Fabric peer signs for an endorsement: SHA-256 ECDSA over proposal_response_payload || endorser.
 * Fabric accepts only low-S signatures (s <= n/2), so a malleated twin of a valid signature is refused too.
 */
export function checkEndorsementSignature(
  cert: X509Certificate,
  payload: Buffer,
  endorser: Buffer,
  signature: Buffer,
): SignatureCheck {
  const key = cert.publicKey;
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const order = curve === undefined ? undefined : CURVE_ORDERS[curve];
  if (order === undefined) {
    return 'unsupported-key';
  }
  const parts = parseDerSignature(signature);
  if (parts === undefined || parts.r <= 0n || parts.s <= 0n || parts.r >= order || parts.s >= order) {
    return 'malformed';
  }
  if (parts.s > order >> 1n) {
    return 'high-s';
  }
  try {
    const valid = verifySignature('sha256', Buffer.concat([payload, endorser]), { key, dsaEncoding: 'der' }, signature);
    return valid ? 'ok' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Strict DER: SEQUENCE { INTEGER r, INTEGER s } with minimal lengths and nothing after it. */
export function parseDerSignature(der: Buffer): { r: bigint; s: bigint } | undefined {
  if (der.length < 8 || der.length > 2 + 2 * 51 || der[0] !== 0x30) {
    return undefined;
  }
  const header = readLength(der, 1);
  if (header === undefined || header.next + header.length !== der.length) {
    return undefined;
  }
  const r = readInteger(der, header.next);
  const s = r === undefined ? undefined : readInteger(der, r.next);
  if (r === undefined || s?.next !== der.length) {
    return undefined;
  }
  return { r: r.value, s: s.value };
}

function readLength(der: Buffer, at: number): { length: number; next: number } | undefined {
  const first = der[at];
  if (first === undefined) {
    return undefined;
  }
  if (first < 0x80) {
    return { length: first, next: at + 1 };
  }
  const second = der[at + 1];
  if (first !== 0x81 || second === undefined || second < 0x80) {
    return undefined;
  }
  return { length: second, next: at + 2 };
}

function readInteger(der: Buffer, at: number): { value: bigint; next: number } | undefined {
  if (der[at] !== 0x02) {
    return undefined;
  }
  const len = readLength(der, at + 1);
  if (len === undefined || len.length === 0 || len.next + len.length > der.length) {
    return undefined;
  }
  const bytes = der.subarray(len.next, len.next + len.length);
  const [b0 = 0, b1 = 0] = bytes;
  if ((b0 & 0x80) !== 0 || (bytes.length > 1 && b0 === 0 && (b1 & 0x80) === 0)) {
    return undefined; // negative, or not minimally encoded
  }
  return { value: BigInt(`0x${bytes.toString('hex')}`), next: len.next + len.length };
}

export interface KeyWrite {
  key: string;
  isDelete: boolean;
  value: Buffer;
}

/**
 * The writes in `namespace` of a proposal response payload: ProposalResponsePayload.extension → ChaincodeAction
 * .results → TxReadWriteSet → NsReadWriteSet(namespace).rwset → KVRWSet.writes. Undefined when it does not decode.
 */
export function payloadWrites(payload: Buffer, namespace: string): KeyWrite[] | undefined {
  try {
    const response = peer.ProposalResponsePayload.deserializeBinary(payload);
    const action = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(action.getResults_asU8());
    return txRwSet
      .getNsRwsetList()
      .filter((ns) => ns.getNamespace() === namespace)
      .flatMap((ns) => ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()).getWritesList())
      .map((write) => ({
        key: write.getKey(),
        isDelete: write.getIsDelete(),
        value: Buffer.from(write.getValue_asU8()),
      }));
  } catch {
    return undefined;
  }
}
