import { X509Certificate, createHash, sign, type KeyObject } from 'node:crypto';
import { ledger as ledgerProtos, msp, peer } from '@hyperledger/fabric-protos';
import type { Ledger } from './ledger';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export interface ClaimBody {
  txId: string;
  endorserIdentity: string;
  signature: string;
  proposalResponsePayload: string;
}

export interface Endorser {
  mspId: string;
  certPem: string;
  privateKey: KeyObject;
}

export function auditKeyOf(txId: string): string {
  return `\u0000medrec.audit\u0000${txId}\u0000`;
}

/** A real peer.ProposalResponsePayload whose medrec write set holds the given writes. */
export function proposalResponsePayload(txId: string, writes: { key: string; value: Buffer }[]): Buffer {
  const kvRwSet = new ledgerProtos.rwset.kvrwset.KVRWSet();
  kvRwSet.setWritesList(
    writes.map(({ key, value }) => {
      const write = new ledgerProtos.rwset.kvrwset.KVWrite();
      write.setKey(key);
      write.setValue(value);
      return write;
    }),
  );
  const ns = new ledgerProtos.rwset.NsReadWriteSet();
  ns.setNamespace('medrec');
  ns.setRwset(kvRwSet.serializeBinary());
  const txRwSet = new ledgerProtos.rwset.TxReadWriteSet();
  txRwSet.setDataModel(ledgerProtos.rwset.TxReadWriteSet.DataModel.KV);
  txRwSet.setNsRwsetList([ns]);
  const action = new peer.ChaincodeAction();
  action.setResults(txRwSet.serializeBinary());
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName('medrec');
  action.setChaincodeId(chaincodeId);
  const payload = new peer.ProposalResponsePayload();
  payload.setProposalHash(createHash('sha256').update(`proposal of ${txId}`).digest());
  payload.setExtension$(action.serializeBinary());
  return Buffer.from(payload.serializeBinary());
}

export function serializedIdentity(mspId: string, certPem: string): Buffer {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certPem));
  return Buffer.from(identity.serializeBinary());
}

/** Signs like a Fabric peer: SHA-256 ECDSA over payload || endorser, DER, normalised to low S. */
export function peerSign(
  privateKey: KeyObject,
  payload: Buffer,
  endorser: Buffer,
  form: 'low' | 'high' = 'low',
): Buffer {
  const der = sign('sha256', Buffer.concat([payload, endorser]), { key: privateKey, dsaEncoding: 'der' });
  const { r, s } = decodeDer(der);
  const low = s > P256_ORDER >> 1n ? P256_ORDER - s : s;
  return encodeDer(r, form === 'low' ? low : P256_ORDER - low);
}

/** The claim a miner would extract for the committed transaction txId, signed by `endorser`. */
export function endorse(ledger: Ledger, txId: string, endorser: Endorser, extraWrites = 0): ClaimBody {
  const auditValue = ledger.state.get(auditKeyOf(txId)) ?? Buffer.from('{"not":"committed"}');
  const writes = [{ key: auditKeyOf(txId), value: auditValue }];
  for (let i = 0; i < extraWrites; i += 1) {
    writes.push({ key: `\u0000medrec.record\u0000x${i}\u0000`, value: Buffer.from('{}') });
  }
  return claimFor(txId, endorser, proposalResponsePayload(txId, writes));
}

export function claimFor(txId: string, endorser: Endorser, payload: Buffer): ClaimBody {
  const identity = serializedIdentity(endorser.mspId, endorser.certPem);
  return {
    txId,
    endorserIdentity: identity.toString('base64'),
    signature: peerSign(endorser.privateKey, payload, identity).toString('base64'),
    proposalResponsePayload: payload.toString('base64'),
  };
}

export interface AttestationBody {
  txId: string;
  mspId: string;
  endorserCertSha256: string;
  signatureSha256: string;
}

/**
 * What an honest attester submits for a claim it found in its block: the claimant (the endorser's MSP) and the
 * SHA-256 of the endorser certificate's DER and of the signature bytes, computed like the chaincode does.
 */
export function attestationOf(claim: ClaimBody): AttestationBody {
  const identity = msp.SerializedIdentity.deserializeBinary(Buffer.from(claim.endorserIdentity, 'base64'));
  const cert = new X509Certificate(Buffer.from(identity.getIdBytes_asU8()));
  return {
    txId: claim.txId,
    mspId: identity.getMspid(),
    endorserCertSha256: createHash('sha256').update(cert.raw).digest('hex'),
    signatureSha256: createHash('sha256').update(Buffer.from(claim.signature, 'base64')).digest('hex'),
  };
}

function decodeDer(der: Buffer): { r: bigint; s: bigint } {
  let at = 2;
  const ints: bigint[] = [];
  for (let i = 0; i < 2; i += 1) {
    const len = der[at + 1] ?? 0;
    ints.push(BigInt(`0x${der.subarray(at + 2, at + 2 + len).toString('hex')}`));
    at += 2 + len;
  }
  return { r: ints[0] ?? 0n, s: ints[1] ?? 0n };
}

function encodeInt(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) {
    hex = `0${hex}`;
  }
  let bytes = Buffer.from(hex, 'hex');
  if (((bytes[0] ?? 0) & 0x80) !== 0) {
    bytes = Buffer.concat([Buffer.from([0]), bytes]);
  }
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

export function encodeDer(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([encodeInt(r), encodeInt(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
