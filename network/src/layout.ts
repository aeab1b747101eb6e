import path from 'node:path';
import type { OrgKey } from './topology';

/** Where each piece of runtime state lives under MEDREC_HOME. One place, so nothing else builds these paths. */
export class Layout {
  readonly home: string;

  constructor(home: string) {
    this.home = home;
  }

  get stateFile(): string {
    return path.join(this.home, 'network.json');
  }
  get logsDir(): string {
    return path.join(this.home, 'logs');
  }
  get pidsDir(): string {
    return path.join(this.home, 'pids');
  }
  get channelDir(): string {
    return path.join(this.home, 'channel');
  }
  /** Which network namespace runs each host's processes, when several hosts are simulated on one machine. */
  get simulatedHostsFile(): string {
    return path.join(this.home, 'simulated-hosts.json');
  }
  get chaincodeDir(): string {
    return path.join(this.home, 'chaincode');
  }
  caHome(org: OrgKey): string {
    return path.join(this.home, 'cas', org);
  }
  /** The CA's own certificate: trust root for both identities and TLS of this organisation. */
  caCert(org: OrgKey): string {
    return path.join(this.caHome(org), 'ca-cert.pem');
  }
  caSecretFile(org: OrgKey): string {
    return path.join(this.home, 'secrets', `ca-${org}.json`);
  }
  orgDir(org: OrgKey): string {
    return path.join(this.home, 'orgs', org);
  }
  /** The organisation's MSP as the channel configuration sees it. */
  orgMsp(org: OrgKey): string {
    return path.join(this.orgDir(org), 'msp');
  }
  caAdminHome(org: OrgKey): string {
    return path.join(this.orgDir(org), 'ca-admin');
  }
  /** Where the organisation's enrolled identities are, one directory each. */
  identitiesDir(org: OrgKey): string {
    return path.join(this.orgDir(org), 'identities');
  }
  /** An enrolled identity (node or user): msp/ for signing, tls/ for its TLS key pair. */
  identityDir(org: OrgKey, name: string): string {
    return path.join(this.identitiesDir(org), name);
  }
  ledgerDir(node: string): string {
    return path.join(this.home, 'ledgers', node);
  }
  logFile(name: string): string {
    return path.join(this.logsDir, `${name}.log`);
  }
  pidFile(name: string): string {
    return path.join(this.pidsDir, `${name}.pid`);
  }
}
