/**
 * Who has signed a configuration update envelope, checked as the orderer will check it: each signature is verified
 * over its signature header and the update's bytes (Fabric: SignedData of a ConfigSignature, common/configtx), its
 * signer's certificate must chain to that organisation's roots in the channel's current configuration, and the
 * signers are held against the policy that governs the change. A signer sees whether the envelope is complete before
 * anyone submits it, and an envelope whose signature does not verify (tampered after signing) is refused.
 */
import { X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import {
  channelTrustOf,
  classifyIdentity,
  configOfEnvelopeData,
  decodeSerializedIdentity,
  policySatisfied,
  verifiesFabricSignature,
  type ChannelTrust,
  type VerifiedIdentity,
} from '@medrec/sdk';
import type { ConfigChange } from './config-update-summary';

/** One signature of an envelope: verified and classified, or the reason it counts for nothing. */
export type EnvelopeSignature =
  | { readonly valid: true; readonly signer: VerifiedIdentity }
  | {
      readonly valid: false;
      /** `forged`: the bytes do not verify (the envelope changed after signing); the others merely do not count. */
      readonly kind: 'forged' | 'not-x509' | 'not-on-channel' | 'not-member';
      readonly claimedMspId: string;
      readonly problem: string;
    };

/** The channel's trust (MSPs, policies) from its config block as fetched (common.Block bytes). */
export function trustOfConfigBlock(channel: string, blockBytes: Uint8Array): ChannelTrust {
  const block = common.Block.deserializeBinary(blockBytes);
  const envelope = common.Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const config = configOfEnvelopeData(payload.getData_asU8());
  if (config === undefined) throw new Error('the fetched block carries no channel configuration');
  return channelTrustOf(channel, config);
}

/** Every signature an update envelope (common.Envelope bytes, as `peer channel signconfigtx` writes it) carries. */
export function envelopeSignatures(envelopeBytes: Uint8Array, trust: ChannelTrust): EnvelopeSignature[] {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  const update = updateEnvelope.getConfigUpdate_asU8();
  return updateEnvelope.getSignaturesList().map((signature) => {
    const headerBytes = signature.getSignatureHeader_asU8();
    const creator = decodeSerializedIdentity(common.SignatureHeader.deserializeBinary(headerBytes).getCreator_asU8());
    if (creator === undefined) {
      return { valid: false, kind: 'not-x509', claimedMspId: '?', problem: 'its signer is not an X.509 identity' };
    }
    const message = Buffer.concat([headerBytes, update]);
    if (!verifiesFabricSignature(creator.certificate, message, signature.getSignature_asU8())) {
      const problem = 'the signature does not verify over this update';
      return { valid: false, kind: 'forged', claimedMspId: creator.mspId, problem };
    }
    const definition = trust.msps.get(creator.mspId);
    if (definition === undefined) {
      const problem = `${creator.mspId} is not on the channel`;
      return { valid: false, kind: 'not-on-channel', claimedMspId: creator.mspId, problem };
    }
    const classified = classifyIdentity(creator.certificate, definition);
    if ('problem' in classified) {
      return { valid: false, kind: 'not-member', claimedMspId: creator.mspId, problem: classified.problem };
    }
    return { valid: true, signer: { ...creator, roles: classified.roles } };
  });
}

/**
 * The policies that govern an update's changes: the Admins policy of each top-level group it touches
 * (/Channel/Application/Admins, /Channel/Orderer/Admins), which is the modification policy of every change MedRec
 * proposes: members, batching values and the consenter set.
 */
export function governingPolicies(changes: readonly ConfigChange[]): string[] {
  const groups = new Set(
    changes.map((change) => change.path.split('/').slice(0, 3).join('/')).filter((group) => group !== '/Channel'),
  );
  return [...groups].sort().map((group) => `${group}/Admins`);
}

/** What a signer reads before signing or submitting: who signed, and whether each governing policy is met. */
export function describeSignatures(
  signatures: readonly EnvelopeSignature[],
  trust: ChannelTrust,
  changes: readonly ConfigChange[],
  extra: readonly VerifiedIdentity[] = [],
): { readonly lines: string[]; readonly satisfied: boolean; readonly forged: boolean } {
  const signers = [...signatures.flatMap((s) => (s.valid ? [s.signer] : [])), ...extra];
  const lines = signatures.map((s) =>
    s.valid
      ? `signed by ${s.signer.mspId} (${[...s.signer.roles].join(', ')}: ${subjectCn(s.signer.certificate)}), verified`
      : `a signature claiming ${s.claimedMspId} counts for nothing: ${s.problem}`,
  );
  if (signatures.length === 0) lines.push('no signatures yet');
  let satisfied = true;
  for (const path of governingPolicies(changes)) {
    const met = policySatisfied(trust.policy(path), signers);
    satisfied &&= met;
    lines.push(`${path}: ${met ? 'satisfied' : 'not satisfied yet'}${extra.length > 0 ? ' with this signature' : ''}`);
  }
  const forged = signatures.some((s) => !s.valid && s.kind === 'forged');
  return { lines, satisfied, forged };
}

function subjectCn(certificate: X509Certificate): string {
  const cn = certificate.subject.split('\n').find((rdn) => rdn.startsWith('CN='));
  return cn ?? certificate.subject.replaceAll('\n', ', ');
}
