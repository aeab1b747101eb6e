import crypto from 'node:crypto';
import { expect } from 'chai';
import YAML from 'yaml';
import { channelConfig } from '../../../network/src/channel-config';
import { Layout } from '../../../network/src/layout';
import { DEFAULT_CONSORTIUM_FILE } from '../../../network/src/paths';
import { buildTopology, type Topology } from '../../../network/src/topology';

/*
 * The one-machine network as topology.ts hard-coded it before the consortium file existed: these literals are that
 * code's buildTopology(base) output, captured before it changed, so the default file is compared with the past and
 * not with itself.
 */
const TOPOLOGY_27000 = {
  portBase: 27000,
  organisations: [
    {
      key: 'orderer',
      mspId: 'OrdererMSP',
      displayName: 'MedRec Ordering Service',
      ca: { name: 'ca.orderer', org: 'orderer', port: 27054, operationsPort: 27055 },
    },
    {
      key: 'hospital1',
      mspId: 'Hospital1MSP',
      displayName: 'Hospital 1',
      ca: { name: 'ca.hospital1', org: 'hospital1', port: 27154, operationsPort: 27155 },
    },
    {
      key: 'hospital2',
      mspId: 'Hospital2MSP',
      displayName: 'Hospital 2',
      ca: { name: 'ca.hospital2', org: 'hospital2', port: 27254, operationsPort: 27255 },
    },
    {
      key: 'research',
      mspId: 'ResearchMSP',
      displayName: 'Research & Public Health Institute',
      ca: { name: 'ca.research', org: 'research', port: 27354, operationsPort: 27355 },
    },
  ],
  orderers: [
    { name: 'orderer1', org: 'orderer', port: 27510, adminPort: 27511, operationsPort: 27512 },
    { name: 'orderer2', org: 'orderer', port: 27520, adminPort: 27521, operationsPort: 27522 },
    { name: 'orderer3', org: 'orderer', port: 27530, adminPort: 27531, operationsPort: 27532 },
  ],
  peers: [
    {
      name: 'peer0.hospital1',
      org: 'hospital1',
      port: 27151,
      chaincodeListenPort: 27152,
      operationsPort: 27153,
      chaincodeServerPort: 27160,
      apiPort: 27180,
      gatekeeperPort: 27181,
    },
    {
      name: 'peer0.hospital2',
      org: 'hospital2',
      port: 27251,
      chaincodeListenPort: 27252,
      operationsPort: 27253,
      chaincodeServerPort: 27260,
      apiPort: 27280,
      gatekeeperPort: 27281,
    },
    {
      name: 'peer0.research',
      org: 'research',
      port: 27351,
      chaincodeListenPort: 27352,
      operationsPort: 27353,
      chaincodeServerPort: 27360,
      apiPort: 27380,
      gatekeeperPort: 27381,
    },
  ],
};

const TOPOLOGY_30000 = {
  portBase: 30000,
  organisations: [
    {
      key: 'orderer',
      mspId: 'OrdererMSP',
      displayName: 'MedRec Ordering Service',
      ca: { name: 'ca.orderer', org: 'orderer', port: 30054, operationsPort: 30055 },
    },
    {
      key: 'hospital1',
      mspId: 'Hospital1MSP',
      displayName: 'Hospital 1',
      ca: { name: 'ca.hospital1', org: 'hospital1', port: 30154, operationsPort: 30155 },
    },
    {
      key: 'hospital2',
      mspId: 'Hospital2MSP',
      displayName: 'Hospital 2',
      ca: { name: 'ca.hospital2', org: 'hospital2', port: 30254, operationsPort: 30255 },
    },
    {
      key: 'research',
      mspId: 'ResearchMSP',
      displayName: 'Research & Public Health Institute',
      ca: { name: 'ca.research', org: 'research', port: 30354, operationsPort: 30355 },
    },
  ],
  orderers: [
    { name: 'orderer1', org: 'orderer', port: 30510, adminPort: 30511, operationsPort: 30512 },
    { name: 'orderer2', org: 'orderer', port: 30520, adminPort: 30521, operationsPort: 30522 },
    { name: 'orderer3', org: 'orderer', port: 30530, adminPort: 30531, operationsPort: 30532 },
  ],
  peers: [
    {
      name: 'peer0.hospital1',
      org: 'hospital1',
      port: 30151,
      chaincodeListenPort: 30152,
      operationsPort: 30153,
      chaincodeServerPort: 30160,
      apiPort: 30180,
      gatekeeperPort: 30181,
    },
    {
      name: 'peer0.hospital2',
      org: 'hospital2',
      port: 30251,
      chaincodeListenPort: 30252,
      operationsPort: 30253,
      chaincodeServerPort: 30260,
      apiPort: 30280,
      gatekeeperPort: 30281,
    },
    {
      name: 'peer0.research',
      org: 'research',
      port: 30351,
      chaincodeListenPort: 30352,
      operationsPort: 30353,
      chaincodeServerPort: 30360,
      apiPort: 30380,
      gatekeeperPort: 30381,
    },
  ],
};

/** SHA-256 of YAML.stringify(channelConfig(new Layout('/tmp/medrec-test-home'), topology)), captured likewise. */
const CHANNEL_CONFIG_SHA256: Readonly<Record<number, string>> = {
  27000: 'ee832625fb2f689cda7473c6857c7df15666a4208fcccd9dad80e4db26e81d72',
  30000: '836125767ff5d0cdf5bd47824aed8ac68c30d6da59f9898386d94a75583146b6',
};

/** The topology without what the consortium file added (each node's host, the file's name): what was captured. */
function asCaptured(topology: Topology): unknown {
  return JSON.parse(
    JSON.stringify(topology, (key, value: unknown) =>
      key === 'host' || key === 'source' || key === 'joining' ? undefined : value,
    ),
  );
}

function hosts(topology: Topology): string[] {
  return [topology.organisations, topology.organisations.map((o) => o.ca), topology.orderers, topology.peers]
    .flat()
    .map((node) => node.host);
}

describe('network: the default consortium is the one-machine network as it was', function () {
  for (const [base, expected] of [
    [27000, TOPOLOGY_27000],
    [30000, TOPOLOGY_30000],
  ] as const) {
    it(`builds the same organisations, orderers, peers and ports for port base ${base}`, function () {
      const topology = buildTopology(base);
      expect(asCaptured(topology)).to.deep.equal(expected);
      expect(new Set(hosts(topology))).to.deep.equal(new Set(['127.0.0.1']));
      expect(topology.source).to.equal(DEFAULT_CONSORTIUM_FILE);
      expect(topology.joining).to.deep.equal([]);
    });

    it(`produces the channel configuration byte for byte as before for port base ${base}`, function () {
      const text = YAML.stringify(channelConfig(new Layout('/tmp/medrec-test-home'), buildTopology(base)));
      expect(crypto.createHash('sha256').update(text).digest('hex')).to.equal(CHANNEL_CONFIG_SHA256[base]);
    });
  }
});
