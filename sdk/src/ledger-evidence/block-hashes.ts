/**
 * Fabric's block hashes, as the orderer computes them (fabric protoutil/blockutils.go, BlockHeaderBytes and
 * BlockDataHash): the header hash is SHA-256 over the ASN.1 DER SEQUENCE {number INTEGER, previousHash OCTET STRING,
 * dataHash OCTET STRING}; the data hash is SHA-256 over the block's envelopes concatenated.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import type { common } from '@hyperledger/fabric-protos';

export function blockHeaderBytes(header: common.BlockHeader): Uint8Array {
  const sequence = new asn1js.Sequence({
    value: [
      asn1js.Integer.fromBigInt(BigInt(header.getNumber())),
      new asn1js.OctetString({ valueHex: header.getPreviousHash_asU8() }),
      new asn1js.OctetString({ valueHex: header.getDataHash_asU8() }),
    ],
  });
  return new Uint8Array(sequence.toBER());
}

export function blockHeaderHash(header: common.BlockHeader): Buffer {
  return crypto.createHash('sha256').update(blockHeaderBytes(header)).digest();
}

export function blockDataHash(data: common.BlockData | undefined): Buffer {
  const hash = crypto.createHash('sha256');
  for (const envelope of data?.getDataList_asU8() ?? []) hash.update(envelope);
  return hash.digest();
}
