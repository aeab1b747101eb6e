import crypto from 'node:crypto';
import { expect } from 'chai';
import { common, msp } from '@hyperledger/fabric-protos';
import {
  describeSignatures,
  envelopeSignatures,
  governingPolicies,
  trustOfConfigBlock,
} from '../../../network/src/config-update-signatures';
import { lowSDerSignature } from '../../../sdk/src/node-crypto-signer';
import { issueLeaf, makeCa, type TestLeaf } from '../chaincode/support/certs';

const ORGS = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP'] as const;
interface OrgKeys {
  readonly ca: { readonly certPem: string };
  readonly admin: TestLeaf;
  readonly client: TestLeaf;
}
function keysOf(mspId: string): OrgKeys {
  const ca = makeCa(`/O=${mspId}/CN=ca`);
  return {
    ca,
    admin: issueLeaf(ca, `/O=${mspId}/OU=admin/CN=Admin@${mspId}`),
    client: issueLeaf(ca, `/O=${mspId}/OU=client/CN=User@${mspId}`),
  };
}
const pki: Record<(typeof ORGS)[number], OrgKeys> = {
  Hospital1MSP: keysOf('Hospital1MSP'),
  Hospital2MSP: keysOf('Hospital2MSP'),
  ResearchMSP: keysOf('ResearchMSP'),
};

function ou(name: string): msp.FabricOUIdentifier {
  const identifier = new msp.FabricOUIdentifier();
  identifier.setOrganizationalUnitIdentifier(name);
  return identifier;
}

/** An organisation's group as configtxgen writes it: its MSP (node OUs on) and an Admins policy for its admins. */
function orgGroup(mspId: (typeof ORGS)[number]): common.ConfigGroup {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList([Buffer.from(pki[mspId].ca.certPem)]);
  const ous = new msp.FabricNodeOUs();
  ous.setEnable(true);
  ous.setClientOuIdentifier(ou('client'));
  ous.setPeerOuIdentifier(ou('peer'));
  ous.setAdminOuIdentifier(ou('admin'));
  ous.setOrdererOuIdentifier(ou('orderer'));
  fabric.setFabricNodeOus(ous);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(fabric.serializeBinary());
  const value = new common.ConfigValue();
  value.setValue(mspConfig.serializeBinary());

  const role = new msp.MSPRole();
  role.setMspIdentifier(mspId);
  role.setRole(msp.MSPRole.MSPRoleType.ADMIN);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(role.serializeBinary());
  const signedBy = new common.SignaturePolicy();
  signedBy.setSignedBy(0);
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  nOutOf.setRulesList([signedBy]);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setRule(rule);
  envelope.setIdentitiesList([principal]);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope.serializeBinary());
  const admins = new common.ConfigPolicy();
  admins.setPolicy(policy);

  const group = new common.ConfigGroup();
  group.getValuesMap().set('MSP', value);
  group.getPoliciesMap().set('Admins', admins);
  return group;
}

/** A config block whose Orderer group holds the three organisations under a MAJORITY Admins policy. */
function configBlock(): Uint8Array {
  const meta = new common.ImplicitMetaPolicy();
  meta.setSubPolicy('Admins');
  meta.setRule(common.ImplicitMetaPolicy.Rule.MAJORITY);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.IMPLICIT_META);
  policy.setValue(meta.serializeBinary());
  const admins = new common.ConfigPolicy();
  admins.setPolicy(policy);
  const orderer = new common.ConfigGroup();
  for (const mspId of ORGS) orderer.getGroupsMap().set(mspId, orgGroup(mspId));
  orderer.getPoliciesMap().set('Admins', admins);
  const channel = new common.ConfigGroup();
  channel.getGroupsMap().set('Orderer', orderer);
  const config = new common.Config();
  config.setChannelGroup(channel);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const payload = new common.Payload();
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const data = new common.BlockData();
  data.setDataList([envelope.serializeBinary()]);
  const block = new common.Block();
  block.setData(data);
  return block.serializeBinary();
}

const UPDATE = Buffer.from('a config update, as bytes');

/** A ConfigSignature by `leaf` of `mspId` over its header and `signed` (the update, unless a test says otherwise). */
function signature(mspId: string, leaf: TestLeaf, signed: Uint8Array = UPDATE): common.ConfigSignature {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(mspId);
  creator.setIdBytes(Buffer.from(leaf.certPem));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(crypto.randomBytes(24));
  const headerBytes = header.serializeBinary();
  const raw = crypto.sign('sha256', Buffer.concat([headerBytes, signed]), {
    key: leaf.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  const result = new common.ConfigSignature();
  result.setSignatureHeader(headerBytes);
  result.setSignature(lowSDerSignature(raw));
  return result;
}

function envelopeOf(signatures: common.ConfigSignature[]): Uint8Array {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(UPDATE);
  updateEnvelope.setSignaturesList(signatures);
  const payload = new common.Payload();
  payload.setData(updateEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

const BATCHING = [{ kind: 'modifies', path: '/Channel/Orderer/Values/BatchTimeout' }] as const;

describe("an update envelope's signatures, verified before an admin signs or submits it", () => {
  const trust = trustOfConfigBlock('medrec', configBlock());

  it('counts verified admin signatures against the policy that governs the change (MAJORITY of 3 is 2)', () => {
    const one = envelopeSignatures(envelopeOf([signature('Hospital2MSP', pki.Hospital2MSP.admin)]), trust);
    expect(one.map((s) => s.valid)).to.deep.equal([true]);
    const alone = describeSignatures(one, trust, BATCHING);
    expect(alone.satisfied).to.equal(false);
    expect(alone.forged).to.equal(false);
    expect(alone.lines).to.not.include('no signatures yet');
    expect(alone.lines).to.include('/Channel/Orderer/Admins: not satisfied yet');
    expect(alone.lines[0]).to.contain('signed by Hospital2MSP (').and.contain('admin').and.contain('verified');
    const two = envelopeSignatures(
      envelopeOf([signature('Hospital2MSP', pki.Hospital2MSP.admin), signature('ResearchMSP', pki.ResearchMSP.admin)]),
      trust,
    );
    expect(describeSignatures(two, trust, BATCHING).satisfied).to.equal(true);
  });

  it("counts this host's own admin when it is about to sign", () => {
    const one = envelopeSignatures(envelopeOf([signature('Hospital2MSP', pki.Hospital2MSP.admin)]), trust);
    const [first] = envelopeSignatures(envelopeOf([signature('ResearchMSP', pki.ResearchMSP.admin)]), trust);
    if (first?.valid !== true) throw new Error('the fixture signature should verify');
    const report = describeSignatures(one, trust, BATCHING, [first.signer]);
    expect(report.satisfied).to.equal(true);
    expect(report.lines).to.include('/Channel/Orderer/Admins: satisfied with this signature');
  });

  it('marks a signature over other bytes as forged, and counts neither it nor a client nor a stranger', () => {
    const stranger = issueLeaf(makeCa('/O=Hospital1MSP/CN=not-their-ca'), '/O=Hospital1MSP/OU=admin/CN=Admin');
    const signatures = envelopeSignatures(
      envelopeOf([
        signature('Hospital2MSP', pki.Hospital2MSP.admin, Buffer.from('another update')),
        signature('ResearchMSP', pki.ResearchMSP.client),
        signature('Hospital1MSP', stranger),
        signature('OtherMSP', pki.Hospital1MSP.admin),
      ]),
      trust,
    );
    expect(signatures.map((s) => (s.valid ? 'valid' : s.kind))).to.deep.equal([
      'forged',
      'valid',
      'not-member',
      'not-on-channel',
    ]);
    const report = describeSignatures(signatures, trust, BATCHING);
    expect(report.forged).to.equal(true);
    // The client's signature verifies but a client is not an admin: the policy is not met.
    expect(report.satisfied).to.equal(false);
    expect(report.lines[0]).to.contain('a signature claiming Hospital2MSP counts for nothing');
    // Signatures that count for nothing but verify over this update are not a sign of tampering.
    expect(describeSignatures(signatures.slice(1), trust, BATCHING).forged).to.equal(false);
  });

  it('counts a signer that is not an X.509 identity for nothing', () => {
    const garbled = signature('Hospital2MSP', pki.Hospital2MSP.admin);
    const header = common.SignatureHeader.deserializeBinary(garbled.getSignatureHeader_asU8());
    header.setCreator(Buffer.from('not a serialized identity'));
    garbled.setSignatureHeader(header.serializeBinary());
    const [only] = envelopeSignatures(envelopeOf([garbled]), trust);
    expect(only?.valid).to.equal(false);
    expect(only?.valid === false ? [only.kind, only.problem] : []).to.deep.equal([
      'not-x509',
      'its signer is not an X.509 identity',
    ]);
  });

  it('names the Admins policy of each top-level group an update touches', () => {
    expect(
      governingPolicies([
        { kind: 'modifies', path: '/Channel/Application' },
        { kind: 'adds', path: '/Channel/Application/Hospital3MSP' },
      ]),
    ).to.deep.equal(['/Channel/Application/Admins']);
    expect(
      governingPolicies([
        { kind: 'modifies', path: '/Channel/Orderer/Values/ConsensusType' },
        { kind: 'modifies', path: '/Channel/Application/Policies/Admins' },
      ]),
    ).to.deep.equal(['/Channel/Application/Admins', '/Channel/Orderer/Admins']);
    // The channel group itself is the parent of both, not a group of its own to count.
    expect(
      governingPolicies([
        { kind: 'modifies', path: '/Channel' },
        { kind: 'modifies', path: '/Channel/Orderer/Values/BatchSize' },
      ]),
    ).to.deep.equal(['/Channel/Orderer/Admins']);
    expect(describeSignatures([], trust, []).lines).to.deep.equal(['no signatures yet']);
  });
});
