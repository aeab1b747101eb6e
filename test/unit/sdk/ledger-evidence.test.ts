import crypto, { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { common, msp } from '@hyperledger/fabric-protos';
import { createMemoryBlockSource } from '../../../sdk/src/audit-export/block-source';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from '../../../sdk/src/ledger-evidence/block-hashes';
import { verifyChain } from '../../../sdk/src/ledger-evidence/chain-verifier';
import { fabricCertificateAttributes } from '../../../sdk/src/ledger-evidence/certificate-attributes';
import {
  classifyIdentity,
  verifiesFabricSignature,
  type MspDefinition,
  type VerifiedIdentity,
} from '../../../sdk/src/ledger-evidence/msp-identity';
import { implicitThreshold, policySatisfied, type PolicyNode } from '../../../sdk/src/ledger-evidence/policies';
import { COMPLIANCE_CERTIFICATE, COMPLIANCE_PRIVATE_KEY } from '../audit-export/support/compliance-certificate';
import { CLINICIAN_A_CERTIFICATE, CLINICIAN_B_CERTIFICATE } from '../gatekeeper/support/test-certificates';

const compliance = new X509Certificate(COMPLIANCE_CERTIFICATE);

function definition(overrides: Partial<MspDefinition> = {}): MspDefinition {
  return {
    mspId: 'Hospital1MSP',
    roots: [compliance],
    intermediates: [],
    admins: [],
    nodeOus: { client: 'client', peer: 'peer', admin: 'admin', orderer: 'orderer' },
    ...overrides,
  };
}

function identity(mspId: string, roles: VerifiedIdentity['roles'], pem = COMPLIANCE_CERTIFICATE): VerifiedIdentity {
  return { mspId, certificatePem: pem, certificate: new X509Certificate(pem), roles };
}

/** SignaturePolicyEnvelope: n out of the given (mspId, role) principals, each a SignedBy rule. */
function nOutOf(n: number, principals: readonly [string, number][]): PolicyNode {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setIdentitiesList(
    principals.map(([mspId, role]) => {
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      const mspRole = new msp.MSPRole();
      mspRole.setMspIdentifier(mspId);
      mspRole.setRole(role as msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]);
      principal.setPrincipal(mspRole.serializeBinary());
      return principal;
    }),
  );
  const rules = principals.map((_, i) => {
    const rule = new common.SignaturePolicy();
    rule.setSignedBy(i);
    return rule;
  });
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(n);
  outOf.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(outOf);
  envelope.setRule(rule);
  return { kind: 'signature', envelope };
}

describe('ledger evidence: the pieces of an outside verification', function () {
  it('reads the Fabric CA attributes of an enrolment certificate, and none from a certificate without them', function () {
    expect(fabricCertificateAttributes(compliance)).to.deep.include({
      'medrec.id': 'comp-1',
      'medrec.role': 'compliance',
    });
    expect(fabricCertificateAttributes(new X509Certificate(CLINICIAN_A_CERTIFICATE))).to.deep.equal({});
  });

  it('classifies a member by its node OU, and refuses a certificate another CA issued', function () {
    const member = classifyIdentity(compliance, definition());
    expect('roles' in member && [...member.roles].sort()).to.deep.equal(['client', 'member']);
    const outsider = classifyIdentity(new X509Certificate(CLINICIAN_B_CERTIFICATE), definition());
    expect(outsider).to.have.property('problem').that.contains('not issued by a CA of Hospital1MSP');
    // With node OUs enabled an identity must carry exactly one of them.
    const noRole = classifyIdentity(compliance, definition({ nodeOus: { peer: 'peer', admin: 'admin' } }));
    expect(noRole).to.have.property('problem').that.contains('0 node OUs');
    // An MSP's admin list makes an admin without the OU.
    const listed = classifyIdentity(compliance, definition({ admins: [compliance.fingerprint256] }));
    expect('roles' in listed && listed.roles.has('admin')).to.equal(true);
  });

  it('evaluates signature policies: each signer satisfies one principal, roles and MSPs must match', function () {
    const peer1 = identity('Hospital1MSP', new Set(['member', 'peer']));
    const peer2 = identity('Hospital2MSP', new Set(['member', 'peer']), CLINICIAN_B_CERTIFICATE);
    const client2 = identity('Hospital2MSP', new Set(['member', 'client']), CLINICIAN_B_CERTIFICATE);
    const PEER = msp.MSPRole.MSPRoleType.PEER;
    const twoOfTwo = nOutOf(2, [
      ['Hospital1MSP', PEER],
      ['Hospital2MSP', PEER],
    ]);
    expect(policySatisfied(twoOfTwo, [peer1, peer2])).to.equal(true);
    expect(policySatisfied(twoOfTwo, [peer1])).to.equal(false);
    expect(policySatisfied(twoOfTwo, [peer1, client2]), 'a client is not a peer').to.equal(false);
    // The same signature twice counts once.
    const twoOfOrg1 = nOutOf(2, [
      ['Hospital1MSP', PEER],
      ['Hospital1MSP', PEER],
    ]);
    expect(policySatisfied(twoOfOrg1, [peer1, peer1])).to.equal(false);
    expect(policySatisfied({ kind: 'reject', why: 'no policy' }, [peer1, peer2])).to.equal(false);
  });

  it('evaluates implicit-meta policies as ANY, ALL and MAJORITY of the subgroups', function () {
    const { ANY, ALL, MAJORITY } = common.ImplicitMetaPolicy.Rule;
    expect([implicitThreshold(ANY, 3), implicitThreshold(ALL, 3), implicitThreshold(MAJORITY, 3)]).to.deep.equal([
      1, 3, 2,
    ]);
    expect(implicitThreshold(MAJORITY, 4)).to.equal(3);
    const org = (mspId: string): PolicyNode => nOutOf(1, [[mspId, msp.MSPRole.MSPRoleType.PEER]]);
    const majority: PolicyNode = {
      kind: 'implicit',
      threshold: implicitThreshold(MAJORITY, 3),
      subPolicies: [org('Hospital1MSP'), org('Hospital2MSP'), org('ResearchMSP')],
    };
    const peer1 = identity('Hospital1MSP', new Set(['member', 'peer']));
    const peer2 = identity('Hospital2MSP', new Set(['member', 'peer']), CLINICIAN_B_CERTIFICATE);
    expect(policySatisfied(majority, [peer1, peer2])).to.equal(true);
    expect(policySatisfied(majority, [peer1])).to.equal(false);
  });

  it('accepts only low-S ECDSA signatures, as Fabric does', function () {
    const message = Buffer.from('block header');
    // Re-encode with s' = n - s: the same signature, malleated to high S.
    const n = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
    const jose = crypto.sign('sha256', message, { key: COMPLIANCE_PRIVATE_KEY, dsaEncoding: 'ieee-p1363' });
    const r = BigInt(`0x${jose.subarray(0, 32).toString('hex')}`);
    const s = BigInt(`0x${jose.subarray(32).toString('hex')}`);
    const low = s > n / 2n ? n - s : s;
    const encode = (value: bigint): Buffer => {
      let hex = value.toString(16);
      if (hex.length % 2 === 1) hex = `0${hex}`;
      let bytes = Buffer.from(hex, 'hex');
      if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
      return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
    };
    const sequence = (a: bigint, b: bigint): Buffer => {
      const body = Buffer.concat([encode(a), encode(b)]);
      return Buffer.concat([Buffer.from([0x30, body.length]), body]);
    };
    expect(verifiesFabricSignature(compliance, message, sequence(r, low))).to.equal(true);
    expect(verifiesFabricSignature(compliance, message, sequence(r, n - low))).to.equal(false);
    expect(verifiesFabricSignature(compliance, Buffer.from('another header'), sequence(r, low))).to.equal(false);
  });

  it('hashes a block header as Fabric does: DER of number, previous hash and data hash', function () {
    const header = new common.BlockHeader();
    header.setNumber(128);
    header.setPreviousHash(Buffer.alloc(0));
    header.setDataHash(Buffer.from([1, 2]));
    // SEQUENCE (10 bytes) { INTEGER 128 (0x00 0x80: positive), OCTET STRING '', OCTET STRING 01 02 }
    expect(Buffer.from(blockHeaderBytes(header)).toString('hex')).to.equal('300a02020080040004020102');
    expect(blockHeaderHash(header).toString('hex')).to.equal(
      crypto.createHash('sha256').update(blockHeaderBytes(header)).digest('hex'),
    );
    const data = new common.BlockData();
    data.setDataList([Buffer.from('ab'), Buffer.from('c')]);
    expect(blockDataHash(data).toString('hex')).to.equal(crypto.createHash('sha256').update('abc').digest('hex'));
  });

  it('stops at the first missing block, however high the claimed height, and refuses a bundle of another genesis', async function () {
    const genesis = (channel: string): Uint8Array => {
      const channelHeader = new common.ChannelHeader();
      channelHeader.setType(common.HeaderType.CONFIG);
      channelHeader.setChannelId(channel);
      const header = new common.Header();
      header.setChannelHeader(channelHeader.serializeBinary());
      const configEnvelope = new common.ConfigEnvelope();
      const config = new common.Config();
      config.setChannelGroup(new common.ConfigGroup());
      configEnvelope.setConfig(config);
      const payload = new common.Payload();
      payload.setHeader(header);
      payload.setData(configEnvelope.serializeBinary());
      const envelope = new common.Envelope();
      envelope.setPayload(payload.serializeBinary());
      const data = new common.BlockData();
      data.setDataList([envelope.serializeBinary()]);
      const blockHeader = new common.BlockHeader();
      blockHeader.setNumber(0);
      blockHeader.setDataHash(blockDataHash(data));
      const block = new common.Block();
      block.setHeader(blockHeader);
      block.setData(data);
      block.setMetadata(new common.BlockMetadata());
      return block.serializeBinary();
    };
    const ours = genesis('medrec');
    const result = await verifyChain({
      genesis: ours,
      blocks: createMemoryBlockSource(new Map([[0, ours]])),
      height: 1_000_000_000,
    });
    expect(result.channel).to.equal('medrec');
    // One discrepancy, not one per claimed block: nothing past block 1 is looked at.
    expect(result.discrepancies.map((d) => [d.kind, d.blockNumber])).to.deep.equal([['block-unavailable', 1]]);
    const other = await verifyChain({
      genesis: ours,
      blocks: createMemoryBlockSource(new Map([[0, genesis('another-channel')]])),
      height: 1,
    });
    expect(other.discrepancies.map((d) => d.kind)).to.deep.equal(['genesis-mismatch']);
  });
});
