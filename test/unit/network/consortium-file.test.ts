import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import {
  ConsortiumFileError,
  consortiumFileFromEnv,
  parseConsortiumFile,
  readConsortiumFile,
} from '../../../network/src/consortium-file';
import { channelConfig } from '../../../network/src/channel-config';
import { Layout } from '../../../network/src/layout';
import { DEFAULT_CONSORTIUM_FILE, REPO_ROOT } from '../../../network/src/paths';
import {
  activeTopology,
  buildTopology,
  firstPeers,
  ordererOrganisations,
  peerAddressList,
  peerOf,
  peerOrgKeys,
  topologyFromConsortium,
} from '../../../network/src/topology';

const EXAMPLE_FILE = path.join(REPO_ROOT, 'network', 'consortium', 'three-hosts.example.yaml');

/** A small valid consortium: an orderer-only organisation and two peer organisations on one host. */
function validSpec(): Record<string, unknown> & {
  portBase: number;
  channel: { name: string; members: string[] };
  organisations: Record<string, unknown>[];
  orderers: Record<string, unknown>[];
} {
  const peerOrg = (name: string, mspId: string, at: number): Record<string, unknown> => ({
    name,
    mspId,
    displayName: name,
    host: '127.0.0.1',
    ca: { port: at + 54, operationsPort: at + 55 },
    peers: [{ name: `peer0.${name}`, port: at + 51, chaincodeListenPort: at + 52, operationsPort: at + 53 }],
    chaincodeServerPort: at + 60,
    apiPort: at + 80,
    gatekeeperPort: at + 81,
  });
  return {
    portBase: 40000,
    channel: { name: 'medrec', members: ['alpha', 'beta'] },
    organisations: [
      {
        name: 'ord',
        mspId: 'OrdMSP',
        displayName: 'Ordering',
        host: '127.0.0.1',
        ca: { port: 54, operationsPort: 55 },
      },
      peerOrg('alpha', 'AlphaMSP', 100),
      peerOrg('beta', 'BetaMSP', 200),
    ],
    orderers: [{ name: 'orderer1', operator: 'ord', port: 510, adminPort: 511, operationsPort: 512 }],
  };
}

type Spec = ReturnType<typeof validSpec>;

function parse(spec: unknown, portBase?: number): ReturnType<typeof parseConsortiumFile> {
  return parseConsortiumFile(YAML.stringify(spec), 'test.yaml', portBase);
}

/** The problems a refused file is reported with, as "path: message" lines. */
function refusal(spec: unknown, portBase?: number): string[] {
  try {
    parse(spec, portBase);
  } catch (err) {
    expect(err).to.be.instanceOf(ConsortiumFileError);
    expect((err as Error).message).to.contain('consortium file test.yaml is not valid');
    return (err as ConsortiumFileError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('a consortium file that should be refused was accepted');
}

function changed(edit: (spec: Spec) => void): Spec {
  const spec = validSpec();
  edit(spec);
  return spec;
}

function org(spec: Spec, i: number): Record<string, unknown> {
  const found = spec.organisations[i];
  if (found === undefined) throw new Error(`no organisation ${i}`);
  return found;
}

function orderer(spec: Spec, i: number): Record<string, unknown> {
  const found = spec.orderers[i];
  if (found === undefined) throw new Error(`no orderer ${i}`);
  return found;
}

describe('network: the consortium file', function () {
  describe('the files shipped with the project', function () {
    it('local.yaml is the default, found from the compiled code, and gives every port relative to 27000', function () {
      expect(consortiumFileFromEnv({})).to.equal(DEFAULT_CONSORTIUM_FILE);
      const file = readConsortiumFile(DEFAULT_CONSORTIUM_FILE);
      expect(file.portBase).to.equal(27000);
      const topology = topologyFromConsortium(file);
      expect(topology.source).to.equal(DEFAULT_CONSORTIUM_FILE);
      expect(peerOrgKeys(topology)).to.deep.equal(['hospital1', 'hospital2', 'research']);
      expect(ordererOrganisations(topology).map((o) => o.key)).to.deep.equal(['orderer']);
    });

    it('MEDREC_CONSORTIUM names another file (resolved to an absolute path)', function () {
      expect(consortiumFileFromEnv({ MEDREC_CONSORTIUM: 'network/consortium/three-hosts.example.yaml' })).to.equal(
        path.resolve('network/consortium/three-hosts.example.yaml'),
      );
    });

    it('three-hosts.example.yaml validates: each hospital on its host operating one orderer, absolute ports', function () {
      const topology = topologyFromConsortium(readConsortiumFile(EXAMPLE_FILE));
      expect(topology.portBase).to.equal(0);
      expect(topology.orderers.map((o) => [o.name, o.org, o.host, o.port])).to.deep.equal([
        ['orderer1', 'hospital1', '10.0.0.1', 7050],
        ['orderer2', 'hospital2', '10.0.0.2', 7050],
        ['orderer3', 'research', '10.0.0.3', 7050],
      ]);
      expect(firstPeers(topology).map((p) => `${p.host}:${p.port}`)).to.deep.equal([
        '10.0.0.1:7051',
        '10.0.0.2:7051',
        '10.0.0.3:7051',
      ]);
      expect(peerOf(topology, 'research').apiPort).to.equal(8080);
      // Two peers each: the services get both as one failover list, first peer first.
      expect(peerAddressList(topology, 'hospital2')).to.equal('10.0.0.2:7051,10.0.0.2:7151');
    });

    it('puts each operator of the example in the orderer group with its own orderer, consenters on their hosts', function () {
      const topology = topologyFromConsortium(readConsortiumFile(EXAMPLE_FILE));
      const config = channelConfig(new Layout('/tmp/medrec-test-home'), topology) as {
        Profiles: {
          MedrecChannel: {
            Orderer: {
              EtcdRaft: { Consenters: { Host: string; ClientTLSCert: string }[] };
              Organizations: { ID: string; OrdererEndpoints: string[] }[];
            };
            Application: { Organizations: { ID: string; AnchorPeers: { Host: string }[] }[] };
          };
        };
      };
      const { Orderer, Application } = config.Profiles.MedrecChannel;
      expect(Orderer.Organizations.map((o) => [o.ID, o.OrdererEndpoints])).to.deep.equal([
        ['Hospital1MSP', ['10.0.0.1:7050']],
        ['Hospital2MSP', ['10.0.0.2:7050']],
        ['ResearchMSP', ['10.0.0.3:7050']],
      ]);
      expect(Orderer.EtcdRaft.Consenters.map((c) => c.Host)).to.deep.equal(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
      expect(Orderer.EtcdRaft.Consenters[1]?.ClientTLSCert).to.contain(path.join('orgs', 'hospital2', 'identities'));
      expect(Application.Organizations.map((o) => o.AnchorPeers[0]?.Host)).to.deep.equal([
        '10.0.0.1',
        '10.0.0.2',
        '10.0.0.3',
      ]);
    });
  });

  describe('port base', function () {
    const saved = { base: process.env.MEDREC_PORT_BASE, file: process.env.MEDREC_CONSORTIUM };
    afterEach(function () {
      if (saved.base === undefined) delete process.env.MEDREC_PORT_BASE;
      else process.env.MEDREC_PORT_BASE = saved.base;
      if (saved.file === undefined) delete process.env.MEDREC_CONSORTIUM;
      else process.env.MEDREC_CONSORTIUM = saved.file;
    });

    it("uses the file's portBase when MEDREC_PORT_BASE is not set", function () {
      delete process.env.MEDREC_PORT_BASE;
      delete process.env.MEDREC_CONSORTIUM;
      const topology = buildTopology();
      expect(topology.portBase).to.equal(27000);
      expect(peerOf(topology, 'hospital1').apiPort).to.equal(27180);
    });

    it('lets MEDREC_PORT_BASE replace it, checked as strictly as before', function () {
      delete process.env.MEDREC_CONSORTIUM;
      process.env.MEDREC_PORT_BASE = '31000';
      const topology = buildTopology();
      expect(topology.portBase).to.equal(31000);
      expect(peerOf(topology, 'hospital1').apiPort).to.equal(31180);
      expect(topology.orderers.map((o) => o.port)).to.deep.equal([31510, 31520, 31530]);
      process.env.MEDREC_PORT_BASE = '12abc';
      expect(() => buildTopology()).to.throw(/MEDREC_PORT_BASE=12abc/);
    });

    it('reads the file MEDREC_CONSORTIUM names', function () {
      delete process.env.MEDREC_PORT_BASE;
      process.env.MEDREC_CONSORTIUM = EXAMPLE_FILE;
      expect(buildTopology().source).to.equal(EXAMPLE_FILE);
    });

    it('refuses a port outside 1-65535 once the base is added, and accepts it within', function () {
      expect(parse(validSpec()).portBase).to.equal(40000);
      expect(parse(validSpec(), 1024).portBase).to.equal(1024);
      const problems = refusal(validSpec(), 65300);
      expect(problems).to.include(
        'orderers[0].port: 510 + port base 65300 = 65810, not a port (1-65535); with portBase 0 write the absolute ' +
          'port, otherwise the offset from the base',
      );
      // portBase 0: every port is absolute.
      expect(topologyFromConsortium(parse(changed((s) => (s.portBase = 0)))).orderers[0]?.port).to.equal(510);
      expect(refusal(changed((s) => (org(s, 0).ca = { port: -40000, operationsPort: 55 })))).to.include(
        'organisations[0].ca.port: -40000 + port base 40000 = 0, not a port (1-65535); with portBase 0 write the ' +
          'absolute port, otherwise the offset from the base',
      );
    });
  });

  describe('validation, each rule refused and its valid counterpart accepted', function () {
    it('accepts the valid file', function () {
      expect(topologyFromConsortium(parse(validSpec())).peers.map((p) => p.name)).to.deep.equal([
        'peer0.alpha',
        'peer0.beta',
      ]);
    });

    it('refuses unknown keys, at the top and nested, naming each', function () {
      const problems = refusal(
        changed((s) => {
          s.extra = 1;
          (org(s, 1).peers as Record<string, unknown>[])[0] = {
            name: 'peer0.alpha',
            prot: 151,
            port: 151,
            chaincodeListenPort: 152,
            operationsPort: 153,
          };
        }),
      );
      expect(problems).to.have.members([
        'extra: is not a field of a consortium file (misspelt?); remove or correct it',
        'organisations[1].peers[0].prot: is not a field of a consortium file (misspelt?); remove or correct it',
      ]);
    });

    it('refuses text that is not YAML', function () {
      expect(() => parseConsortiumFile('portBase: [1, 2', 'test.yaml')).to.throw(ConsortiumFileError, /not valid YAML/);
    });

    it('refuses a duplicate organisation name, and accepts distinct ones', function () {
      const problems = refusal(changed((s) => (org(s, 2).name = 'alpha')));
      expect(problems).to.include(
        'organisations[2].name: organisation name "alpha" is already used at organisations[1].name; give each a different one',
      );
    });

    it('refuses a duplicate mspId', function () {
      expect(refusal(changed((s) => (org(s, 2).mspId = 'AlphaMSP')))).to.deep.equal([
        'organisations[2].mspId: mspId "AlphaMSP" is already used at organisations[1].mspId; give each a different one',
      ]);
    });

    it('refuses two nodes with one name (a peer and an orderer), and accepts distinct names', function () {
      expect(refusal(changed((s) => (orderer(s, 0).name = 'peer0.alpha')))).to.deep.equal([
        'orderers[0].name: node name "peer0.alpha" is already used at organisations[1].peers[0].name; give each a ' +
          'different one',
      ]);
    });

    it('refuses an organisation name that is not a lower-case key', function () {
      expect(refusal(changed((s) => (org(s, 0).name = 'Ord')))[0]).to.match(
        /^organisations\[0\]\.name: must be 2 to 31/,
      );
    });

    it('refuses two listeners on one host:port, and accepts the same port on two hosts', function () {
      const clash = changed((s) => (org(s, 2).apiPort = 180));
      expect(refusal(clash)).to.deep.equal([
        'organisations[2].apiPort: host:port "127.0.0.1:40180" is already used at organisations[1].apiPort; give ' +
          'each a different one',
      ]);
      org(clash, 2).host = '127.0.0.2';
      expect(parse(clash).spec.organisations[2]?.apiPort).to.equal(180);
    });

    it("refuses an orderer whose operator is not an organisation, and accepts a peer organisation's", function () {
      expect(refusal(changed((s) => (orderer(s, 0).operator = 'nobody')))).to.deep.equal([
        'orderers[0].operator: "nobody" is not an organisation of this file; name one of ord, alpha, beta',
      ]);
      const operatedByAlpha = parse(changed((s) => (orderer(s, 0).operator = 'alpha')));
      const topology = topologyFromConsortium(operatedByAlpha);
      expect(ordererOrganisations(topology).map((o) => o.key)).to.deep.equal(['alpha']);
      expect(topology.orderers[0]?.org).to.equal('alpha');
    });

    it('refuses an even number of orderers and none at all; accepts one and three', function () {
      const ordererAt = (n: number): Record<string, unknown> => ({
        name: `orderer${n}`,
        operator: 'ord',
        port: 500 + 10 * n,
        adminPort: 501 + 10 * n,
        operationsPort: 502 + 10 * n,
      });
      for (const count of [0, 2, 4]) {
        const problems = refusal(
          changed((s) => (s.orderers = Array.from({ length: count }, (_, i) => ordererAt(i + 1)))),
        );
        expect(problems, `${count} orderers`).to.deep.equal([
          `orderers: lists ${count} orderers; Raft needs an odd number (1, 3, 5, ...) so a majority always exists: ` +
            'add or remove one',
        ]);
      }
      for (const count of [1, 3]) {
        const spec = changed((s) => (s.orderers = Array.from({ length: count }, (_, i) => ordererAt(i + 1))));
        expect(parse(spec).spec.orderers).to.have.length(count);
      }
    });

    it('refuses a channel member without peers, and accepts an orderer-only organisation outside the channel', function () {
      expect(refusal(changed((s) => (org(s, 2).peers = [])))).to.deep.equal([
        'organisations[2].peers: beta is a channel member but runs no peer; give it at least one peer or remove it ' +
          'from channel.members',
      ]);
      expect(parse(validSpec()).spec.organisations[0]?.peers).to.deep.equal([]);
    });

    it('refuses a member that is not an organisation, and an organisation with peers outside the channel', function () {
      expect(refusal(changed((s) => s.channel.members.push('gamma')))).to.deep.equal([
        'channel.members[2]: "gamma" is not an organisation of this file; name one listed under organisations',
      ]);
      expect(refusal(changed((s) => (s.channel.members = ['alpha'])))).to.deep.equal([
        'organisations[2].peers: beta runs peers but is not a channel member; add it to channel.members (or ' +
          'channel.joining) or remove its peers',
      ]);
    });

    it('accepts an organisation listed as joining the running channel, and refuses one listed twice or unknown', function () {
      const joining = changed((s) => {
        s.channel.members = ['alpha'];
        (s.channel as { joining?: string[] }).joining = ['beta'];
      });
      const topology = topologyFromConsortium(parse(joining));
      expect(topology.joining).to.deep.equal(['beta']);
      expect(peerOrgKeys(topology)).to.deep.equal(['alpha', 'beta']);
      expect(refusal(changed((s) => ((s.channel as { joining?: string[] }).joining = ['beta'])))).to.deep.equal([
        'channel.joining[0]: channel member "beta" is already used at channel.members[1]; give each a different one',
      ]);
      expect(refusal(changed((s) => ((s.channel as { joining?: string[] }).joining = ['gamma'])))).to.deep.equal([
        'channel.joining[0]: "gamma" is not an organisation of this file; name one listed under organisations',
      ]);
    });

    it('leaves a joining organisation out of the running network until it has joined', function () {
      const topology = topologyFromConsortium(
        parse(
          changed((s) => {
            s.channel.members = ['alpha'];
            (s.channel as { joining?: string[] }).joining = ['beta'];
          }),
        ),
      );
      const waiting = activeTopology(topology, []);
      expect(peerOrgKeys(waiting)).to.deep.equal(['alpha']);
      expect(waiting.organisations.map((o) => o.key)).not.to.include('beta');
      expect(waiting.orderers).to.deep.equal(topology.orderers);
      const joined = activeTopology(topology, ['beta']);
      expect(peerOrgKeys(joined)).to.deep.equal(['alpha', 'beta']);
      expect(joined.peers).to.deep.equal(topology.peers);
      // Removed from the channel, joined or founding: no longer part of the running network.
      expect(peerOrgKeys(activeTopology(topology, ['beta'], ['beta']))).to.deep.equal(['alpha']);
      expect(peerOrgKeys(activeTopology(topology, ['beta'], ['alpha']))).to.deep.equal(['beta']);
    });

    it("requires a member's service ports and refuses them on an orderer-only organisation", function () {
      expect(refusal(changed((s) => delete org(s, 1).gatekeeperPort))).to.deep.equal([
        'organisations[1].gatekeeperPort: is missing: alpha is a channel member and runs it',
      ]);
      expect(refusal(changed((s) => (org(s, 0).apiPort = 80)))).to.deep.equal([
        'organisations[0]: ord runs no peer, so no chaincode server, API or gatekeeper either; remove ' +
          'chaincodeServerPort, apiPort and gatekeeperPort',
      ]);
    });

    it('takes IPv4, IPv6 and DNS names as hosts, and refuses a URL or a name with invalid characters', function () {
      for (const host of ['10.0.0.1', '::1', 'fd00::2', 'peer.hospital1.example.org', 'localhost']) {
        expect(parse(changed((s) => (org(s, 0).host = host))).spec.organisations[0]?.host).to.equal(host);
      }
      for (const host of ['https://10.0.0.1', '10.0.0.1:7051', 'bad_host', '-leading.example', '']) {
        expect(refusal(changed((s) => (org(s, 0).host = host))), host).to.deep.equal([
          'organisations[0].host: must be an IPv4 or IPv6 address or a DNS name (no scheme, no port)',
        ]);
      }
    });

    it('refuses a channel name the services do not open', function () {
      expect(refusal(changed((s) => (s.channel.name = 'other')))).to.deep.equal([
        'channel.name: must be "medrec" (the only channel name the services support for now)',
      ]);
    });

    it('reports every problem of a file at once', function () {
      const problems = refusal(
        changed((s) => {
          org(s, 2).mspId = 'AlphaMSP';
          s.orderers.push({ name: 'orderer2', operator: 'ord', port: 520, adminPort: 521, operationsPort: 522 });
        }),
      );
      expect(problems).to.have.length(2);
    });
  });
});
