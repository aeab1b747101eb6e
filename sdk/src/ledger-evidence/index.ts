export * from './chain-verifier';
export { channelTrustOf, configOfEnvelopeData, type ChannelTrust } from './channel-trust';
export { fabricCertificateAttributes } from './certificate-attributes';
export {
  classifyIdentity,
  decodeSerializedIdentity,
  verifiesFabricSignature,
  type MspDefinition,
  type MspRole,
  type VerifiedIdentity,
} from './msp-identity';
export { policySatisfied, type PolicyNode } from './policies';
