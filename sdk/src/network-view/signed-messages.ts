/**
 * The two signed messages the network view sends outside fabric-gateway: a discovery request (discovery.SignedRequest)
 * and an orderer Deliver request for the newest block (common.Envelope with a DELIVER_SEEK_INFO header). Both are
 * signed by the caller's own identity with the same node:crypto signer the Gateway uses (ECDSA over SHA-256, low-S).
 */
import crypto from 'node:crypto';
import { common, discovery, msp, orderer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { ClientIdentity } from '../gateway-connection';
import { nodeCryptoSigning } from '../node-crypto-signer';

/** msp.SerializedIdentity of the caller: what a peer or an orderer checks the signature against. */
export function serializedIdentity(identity: Readonly<Pick<ClientIdentity, 'mspId' | 'certificate'>>): Uint8Array {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(identity.mspId);
  serialized.setIdBytes(Buffer.from(identity.certificate));
  return serialized.serializeBinary();
}

async function sign(identity: Readonly<ClientIdentity>, message: Uint8Array): Promise<Uint8Array> {
  // nodeCryptoSigning pairs its signer with hash.none: the signer hashes the whole message with SHA-256 itself.
  return nodeCryptoSigning(identity.signingKey ?? identity.privateKey).signer(message);
}

/**
 * A discovery request for one channel's configuration (MSPs, orderer endpoints) and its peer membership (every peer
 * gossip reports alive, with its ledger height and chaincodes). No TLS client certificate hash: the peers do not
 * require client TLS, so the request is bound to the identity's signature alone.
 */
export async function signedDiscoveryRequest(
  identity: Readonly<ClientIdentity>,
  channel: string,
): Promise<discovery.SignedRequest> {
  const auth = new discovery.AuthInfo();
  auth.setClientIdentity(serializedIdentity(identity));
  const config = new discovery.Query();
  config.setChannel(channel);
  config.setConfigQuery(new discovery.ConfigQuery());
  const members = new discovery.Query();
  members.setChannel(channel);
  members.setPeerQuery(new discovery.PeerMembershipQuery());
  const request = new discovery.Request();
  request.setAuthentication(auth);
  request.setQueriesList([config, members]);
  const payload = request.serializeBinary();
  const signed = new discovery.SignedRequest();
  signed.setPayload(payload);
  signed.setSignature(await sign(identity, payload));
  return signed;
}

/**
 * A Deliver request for the channel's newest block, header and signatures only (SeekInfo HEADER_WITH_SIG, so no
 * transaction data is sent back): its number + 1 is the orderer's height. FAIL_IF_NOT_READY, so an orderer that is
 * not serving the channel answers with a status instead of holding the stream open.
 */
export async function signedNewestBlockRequest(
  identity: Readonly<ClientIdentity>,
  channel: string,
): Promise<common.Envelope> {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO);
  channelHeader.setChannelId(channel);
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(serializedIdentity(identity));
  signatureHeader.setNonce(crypto.randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const newest = (): orderer.SeekPosition => {
    const position = new orderer.SeekPosition();
    position.setNewest(new orderer.SeekNewest());
    return position;
  };
  const seek = new orderer.SeekInfo();
  seek.setStart(newest());
  seek.setStop(newest());
  seek.setBehavior(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY);
  seek.setContentType(orderer.SeekInfo.SeekContentType.HEADER_WITH_SIG);

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(seek.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await sign(identity, payloadBytes));
  return envelope;
}
