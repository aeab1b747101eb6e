export * from './chain-verifier';
export { channelTrustOf, type ChannelTrust } from './channel-trust';
export { fabricCertificateAttributes } from './certificate-attributes';
export { classifyIdentity, type MspDefinition, type MspRole, type VerifiedIdentity } from './msp-identity';
export { policySatisfied, type PolicyNode } from './policies';
