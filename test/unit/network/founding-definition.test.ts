import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { firstDifference } from '../../../network/src/channel-config';
import {
  FOUNDING_DEFINITION_FORMAT,
  checkFoundingDefinition,
  definitionFingerprint,
  importFoundingDefinition,
  missingDefinitions,
  type FoundingDefinition,
} from '../../../network/src/founding-definition';
import { Layout } from '../../../network/src/layout';
import { buildTopology } from '../../../network/src/topology';
import { REPO_ROOT } from '../../../network/src/paths';
import { issueLeaf, makeCa, type TestCa } from '../chaincode/support/certs';

// hospital1 operates orderer1 at 10.178.0.1 in this file; research is this host's own organisation.
const FILE = path.join(REPO_ROOT, 'test', 'integration', 'fixtures', 'founding-consortium.yaml');
const topology = buildTopology(23000, FILE);

function definitionOf(
  ca: TestCa,
  overrides: Partial<FoundingDefinition> = {},
  san = 'DNS:orderer1,IP:10.178.0.1',
): FoundingDefinition {
  const tls = issueLeaf(ca, '/O=Hospital1MSP/OU=orderer/CN=orderer1', 365, undefined, san);
  return {
    format: FOUNDING_DEFINITION_FORMAT,
    organisation: 'hospital1',
    mspId: 'Hospital1MSP',
    caCertPem: ca.certPem,
    orderers: [{ name: 'orderer1', tlsCertPem: tls.certPem }],
    ...overrides,
  };
}

describe("a founder's definition: checked against the consortium file before it is kept", () => {
  const ca = makeCa('/O=Hospital1MSP/CN=ca.hospital1');
  const other = makeCa('/O=ResearchMSP/CN=ca.research');
  const genuine = definitionOf(ca);

  it('accepts a self-signed root and an orderer certificate it issued naming the orderer host', () => {
    const checked = checkFoundingDefinition(genuine, topology, 'research');
    expect(checked.mspId).to.equal('Hospital1MSP');
    expect(definitionFingerprint(checked)).to.match(/^[0-9a-f]{64}$/);
  });

  it('refuses a definition of this host itself, of an organisation the file does not list, or under another MSP id', () => {
    expect(() => checkFoundingDefinition(genuine, topology, 'hospital1')).to.throw('its own definition');
    expect(() => checkFoundingDefinition({ ...genuine, organisation: 'hospital9' }, topology, 'research')).to.throw(
      'is not a founding organisation',
    );
    expect(() => checkFoundingDefinition({ ...genuine, mspId: 'Hospital2MSP' }, topology, 'research')).to.throw(
      'the consortium file says Hospital1MSP',
    );
  });

  it('refuses malformed input: unknown fields, another format, text that is not one certificate', () => {
    expect(() => checkFoundingDefinition({ ...genuine, extra: 1 }, topology, 'research')).to.throw(
      'not a MedRec founding definition',
    );
    expect(() => checkFoundingDefinition({ ...genuine, format: 'other/1' }, topology, 'research')).to.throw(
      'not a MedRec founding definition',
    );
    expect(() =>
      checkFoundingDefinition({ ...genuine, caCertPem: `${ca.certPem}${ca.certPem}` }, topology, 'research'),
    ).to.throw('not a MedRec founding definition');
    expect(() => checkFoundingDefinition(null, topology, 'research')).to.throw('not a MedRec founding definition');
  });

  it('refuses a root that is not a self-signed CA, and orderer certificates another root issued', () => {
    const leaf = issueLeaf(ca, '/O=Hospital1MSP/CN=not-a-ca', 365);
    expect(() => checkFoundingDefinition({ ...genuine, caCertPem: leaf.certPem }, topology, 'research')).to.throw(
      'not a self-signed CA certificate',
    );
    expect(() => checkFoundingDefinition({ ...genuine, caCertPem: other.certPem }, topology, 'research')).to.throw(
      "was not issued by hospital1's CA root",
    );
    expect(() =>
      checkFoundingDefinition(definitionOf(other, { caCertPem: ca.certPem }), topology, 'research'),
    ).to.throw("was not issued by hospital1's CA root");
  });

  it('refuses a self-signed root that may not issue, and an orderer certificate from an impostor with the same name', () => {
    // Self-signed and verifying against itself, but not a CA: it cannot be a root of the organisation's MSP.
    const notCa = makeCa('/O=Hospital1MSP/CN=ca.hospital1', false);
    expect(() => checkFoundingDefinition({ ...genuine, caCertPem: notCa.certPem }, topology, 'research')).to.throw(
      'not a self-signed CA certificate',
    );
    // A CA named exactly as hospital1's issues the orderer certificate: the names match, only the signature tells.
    const impostor = makeCa('/O=Hospital1MSP/CN=ca.hospital1');
    const forged = issueLeaf(
      impostor,
      '/O=Hospital1MSP/OU=orderer/CN=orderer1',
      365,
      undefined,
      'DNS:orderer1,IP:10.178.0.1',
      true,
    );
    expect(() =>
      checkFoundingDefinition(
        { ...genuine, orderers: [{ name: 'orderer1', tlsCertPem: forged.certPem }] },
        topology,
        'research',
      ),
    ).to.throw("was not issued by hospital1's CA root");
  });

  it('refuses orderers other than those the file says it operates, and a certificate not naming the host', () => {
    expect(() => checkFoundingDefinition({ ...genuine, orderers: [] }, topology, 'research')).to.throw(
      'the consortium file says hospital1 operates [orderer1]',
    );
    const extra = [...genuine.orderers, { name: 'orderer2', tlsCertPem: genuine.orderers[0]?.tlsCertPem ?? '' }];
    expect(() => checkFoundingDefinition({ ...genuine, orderers: extra }, topology, 'research')).to.throw(
      'operates [orderer1]',
    );
    expect(() => checkFoundingDefinition(definitionOf(ca, {}, 'DNS:elsewhere'), topology, 'research')).to.throw(
      'does not name 10.178.0.1',
    );
  });

  it('refuses certificates not valid now', () => {
    const later = new Date(Date.now() + 400 * 86_400_000);
    expect(() => checkFoundingDefinition(genuine, topology, 'research', later)).to.throw('is not valid now');
    const earlier = new Date(Date.now() - 86_400_000);
    expect(() => checkFoundingDefinition(genuine, topology, 'research', earlier)).to.throw('is not valid now');
  });

  it('fingerprints every field: a swapped orderer certificate changes it', () => {
    const swapped = definitionOf(ca);
    expect(definitionFingerprint(swapped)).to.not.equal(definitionFingerprint(genuine));
    expect(definitionFingerprint({ ...genuine })).to.equal(definitionFingerprint(genuine));
  });

  it('keeps a definition once: the same again changes nothing, a different one is refused', () => {
    const layout = new Layout(fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-import-')));
    try {
      expect(missingDefinitions(layout, topology)).to.deep.equal(['hospital1', 'hospital2', 'research']);
      const checked = checkFoundingDefinition(genuine, topology, 'research');
      expect(importFoundingDefinition(layout, checked)).to.equal(true);
      expect(fs.readFileSync(layout.caCert('hospital1'), 'utf8')).to.equal(ca.certPem);
      expect(fs.existsSync(path.join(layout.orgMsp('hospital1'), 'cacerts', 'ca.pem'))).to.equal(true);
      expect(missingDefinitions(layout, topology)).to.deep.equal(['hospital2', 'research']);
      expect(importFoundingDefinition(layout, checked)).to.equal(false);
      const reissued = checkFoundingDefinition(definitionOf(ca), topology, 'research');
      expect(() => importFoundingDefinition(layout, reissued)).to.throw('a different definition of hospital1');
      // Half of an import (its CA root gone, its orderer certificate kept) is not taken as the whole.
      fs.rmSync(layout.caCert('hospital1'));
      expect(() => importFoundingDefinition(layout, checked)).to.throw('a different definition of hospital1');
    } finally {
      fs.rmSync(layout.home, { recursive: true, force: true });
    }
  });
});

describe('genesis block comparison: the first place two decoded configurations differ', () => {
  it('ignores key order and names the path of a difference', () => {
    expect(firstDifference({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, 'config')).to.equal(undefined);
    expect(firstDifference({ a: { b: '500ms' } }, { a: { b: '5s' } }, 'config')).to.equal('config.a.b');
    expect(firstDifference({ a: [1, 2] }, { a: [1, 2, 3] }, 'config')).to.equal('config.a.2');
    expect(firstDifference({ a: 1 }, { a: 1, extra: null }, 'config')).to.equal('config.extra');
    expect(firstDifference({ a: [] }, { a: {} }, 'config')).to.equal('config.a');
  });
});
