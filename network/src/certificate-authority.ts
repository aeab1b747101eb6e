import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './command';
import type { FabricBinaries } from './fabric-binaries';
import { operationsHealthy } from './health';
import type { Layout } from './layout';
import { mspCertificateFile, normaliseEnrolledMsp, normaliseEnrolledTls } from './msp';
import { runningPid, startProcess, stopProcess, waitFor, type ProcessSpec } from './processes';
import type { Organisation, OrgKey } from './topology';

/** Fabric CA identity types: with NodeOUs on they become the OU that decides client / peer / admin / orderer. */
export type IdentityType = 'client' | 'peer' | 'orderer' | 'admin';

export interface IdentityRequest {
  readonly name: string;
  readonly type: IdentityType;
  /** Attributes written into the enrollment certificate, e.g. medrec.role / medrec.id. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Also enroll a TLS key pair (nodes, and admins that call admin endpoints). */
  readonly tls?: boolean;
  /** Host names for the certificates (nodes). */
  readonly hosts?: readonly string[];
}

interface CaSecret {
  readonly bootstrapPassword: string;
  readonly identities: Record<string, string>;
}

function caName(org: OrgKey): string {
  return `ca-${org}`;
}

/** Bootstrap admin password: random per network, never a default, kept in MEDREC_HOME/secrets (mode 0600). */
function loadOrCreateSecret(layout: Layout, org: OrgKey): CaSecret {
  const file = layout.caSecretFile(org);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as CaSecret;
  const secret: CaSecret = { bootstrapPassword: crypto.randomBytes(18).toString('base64url'), identities: {} };
  saveSecret(layout, org, secret);
  return secret;
}

function saveSecret(layout: Layout, org: OrgKey, secret: CaSecret): void {
  const file = layout.caSecretFile(org);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(secret, null, 2), { mode: 0o600 });
}

export function caProcessName(org: OrgKey): string {
  return `ca.${org}`;
}

/** The CA process of an organisation: what `startCa` runs and what `medrec org units` writes as a systemd unit. */
export function caProcessSpec(layout: Layout, bin: FabricBinaries, org: Organisation): ProcessSpec {
  const secret = loadOrCreateSecret(layout, org.key);
  return {
    name: caProcessName(org.key),
    host: org.ca.host,
    command: bin.path('fabric-ca-server'),
    args: ['start'],
    env: {
      PATH: process.env.PATH,
      // The bootstrap credential goes through the environment (readable by this user only), not argv (world-readable).
      FABRIC_CA_SERVER_BOOT: `admin:${secret.bootstrapPassword}`,
      FABRIC_CA_SERVER_HOME: layout.caHome(org.key),
      FABRIC_CA_SERVER_ADDRESS: org.ca.host,
      FABRIC_CA_SERVER_PORT: String(org.ca.port),
      FABRIC_CA_SERVER_CA_NAME: caName(org.key),
      FABRIC_CA_SERVER_CSR_CN: `ca.${org.key}.medrec`,
      FABRIC_CA_SERVER_CSR_HOSTS: `localhost,${org.ca.host}`,
      FABRIC_CA_SERVER_TLS_ENABLED: 'true',
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${org.ca.host}:${org.ca.operationsPort}`,
      FABRIC_CA_SERVER_METRICS_PROVIDER: 'prometheus',
    },
  };
}

export async function startCa(layout: Layout, bin: FabricBinaries, org: Organisation): Promise<void> {
  const name = caProcessName(org.key);
  if (runningPid(layout, name, 'fabric-ca-server') !== undefined) return;
  fs.mkdirSync(layout.caHome(org.key), { recursive: true });
  startProcess(layout, caProcessSpec(layout, bin, org));
  await waitFor(
    `CA of ${org.key}`,
    async () => fs.existsSync(layout.caCert(org.key)) && (await operationsHealthy(org.ca.host, org.ca.operationsPort)),
    60_000,
    `see ${layout.logFile(name)}`,
  );
}

/** The CA server's own HTTPS certificate, which fabric-ca-server issues itself from its root when it is missing. */
export function caServerTlsCertificate(layout: Layout, org: OrgKey): string {
  return path.join(layout.caHome(org), 'tls-cert.pem');
}

/** Where `renewTls` enrolls an identity's next TLS key pair, beside the one in use. */
function renewedTlsDir(layout: Layout, org: OrgKey, name: string): string {
  return path.join(layout.identityDir(org, name), 'tls.next');
}

/** The renewed TLS certificate waiting to be adopted (it exists only between `renewTls` and `adoptRenewedTls`). */
export function renewedTlsCertificate(layout: Layout, org: OrgKey, name: string): string {
  return path.join(renewedTlsDir(layout, org, name), 'server.crt');
}

/**
 * Replaces an identity's TLS key pair with the one `renewTls` enrolled; the old key is deleted (a rotation after a
 * suspected compromise must not leave it on disk). The process using it must be restarted to pick it up.
 */
export function adoptRenewedTls(layout: Layout, org: OrgKey, name: string): void {
  if (!fs.existsSync(renewedTlsCertificate(layout, org, name))) {
    throw new Error(`no renewed TLS certificate for ${name} to adopt`);
  }
  replaceWithStaged(path.join(layout.identityDir(org, name), 'tls'), renewedTlsDir(layout, org, name));
}

/** Puts a staged key pair directory (`*.next`) in place of the one in use, whose key is deleted. */
function replaceWithStaged(inUse: string, staged: string): void {
  fs.rmSync(inUse, { recursive: true, force: true });
  fs.renameSync(staged, inUse);
}

/** Where `renewEnrollment` enrolls an identity's next signing key pair, beside the one in use. */
function renewedMspDir(layout: Layout, org: OrgKey, name: string): string {
  return path.join(layout.identityDir(org, name), 'msp.next');
}

/** Whether `renewEnrollment` has left a new signing identity waiting to be adopted. */
export function hasRenewedEnrollment(layout: Layout, org: OrgKey, name: string): boolean {
  return fs.existsSync(mspCertificateFile(renewedMspDir(layout, org, name)));
}

/**
 * Replaces an identity's signing key pair and certificate with the ones `renewEnrollment` enrolled; the old key is
 * deleted. The process that signs with it must be restarted to pick it up.
 */
export function adoptRenewedEnrollment(layout: Layout, org: OrgKey, name: string): void {
  if (!hasRenewedEnrollment(layout, org, name)) throw new Error(`no renewed enrollment for ${name} to adopt`);
  replaceWithStaged(path.join(layout.identityDir(org, name), 'msp'), renewedMspDir(layout, org, name));
}

export async function stopCa(layout: Layout, org: OrgKey): Promise<boolean> {
  return stopProcess(layout, caProcessName(org), 'fabric-ca-server');
}

/** Who fabric-ca-client authenticates as (enroll), or the secret it gives a new identity (register). */
export interface CaCredentials {
  readonly user?: string;
  readonly password?: string;
  readonly newIdentitySecret?: string;
}

/**
 * One fabric-ca-client invocation. Credentials travel in its environment (FABRIC_CA_CLIENT_URL,
 * FABRIC_CA_CLIENT_ID_SECRET, which it reads like the -u and --id.secret flags), never in argv: argv is readable by
 * every user of the host through /proc and would be quoted in a failed command's error message.
 */
export function caClientCall(
  args: readonly string[],
  options: Readonly<CaCredentials & { home: string; url: string }>,
): { args: readonly string[]; env: NodeJS.ProcessEnv } {
  const url = new URL(options.url);
  if (options.user !== undefined) {
    url.username = encodeURIComponent(options.user);
    url.password = encodeURIComponent(options.password ?? '');
  }
  return {
    args,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FABRIC_CA_CLIENT_HOME: options.home,
      FABRIC_CA_CLIENT_URL: url.toString().replace(/\/$/, ''),
      ...(options.newIdentitySecret === undefined ? {} : { FABRIC_CA_CLIENT_ID_SECRET: options.newIdentitySecret }),
    },
  };
}

/** Registers and enrolls identities at one organisation's CA through fabric-ca-client (TLS verified). */
export class CaAdmin {
  readonly #layout: Layout;
  readonly #bin: FabricBinaries;
  readonly #org: Organisation;

  constructor(layout: Layout, bin: FabricBinaries, org: Organisation) {
    this.#layout = layout;
    this.#bin = bin;
    this.#org = org;
  }

  #common(): string[] {
    return ['--caname', caName(this.#org.key), '--tls.certfiles', this.#layout.caCert(this.#org.key)];
  }

  async #client(step: string, args: readonly string[], credentials: Readonly<CaCredentials>): Promise<string> {
    const call = caClientCall(args, {
      home: this.#layout.caAdminHome(this.#org.key),
      url: `https://${this.#org.ca.host}:${this.#org.ca.port}`,
      ...credentials,
    });
    return runCommand(this.#bin.path('fabric-ca-client'), call.args, { step, env: call.env });
  }

  /** Enrolls the CA's bootstrap admin once; it is the registrar for every other identity of the organisation. */
  async enrollRegistrar(): Promise<void> {
    const home = this.#layout.caAdminHome(this.#org.key);
    if (fs.existsSync(mspCertificateFile(path.join(home, 'msp')))) return;
    const secret = loadOrCreateSecret(this.#layout, this.#org.key);
    await this.#client(`enroll the CA admin of ${this.#org.key}`, ['enroll', '-H', home, ...this.#common()], {
      user: 'admin',
      password: secret.bootstrapPassword,
    });
  }

  /**
   * Registers (once) and enrolls an identity into MEDREC_HOME/orgs/<org>/identities/<name>. Idempotent, and
   * additive: asking an already enrolled identity for a TLS key pair it lacks (e.g. the gatekeeper, which gained an
   * HTTPS server certificate after networks existed) enrolls just that, keeping its signing identity.
   */
  async ensureIdentity(request: IdentityRequest): Promise<string> {
    const dir = this.#layout.identityDir(this.#org.key, request.name);
    const mspDir = path.join(dir, 'msp');
    const tlsDir = path.join(dir, 'tls');
    const enrolled = fs.existsSync(mspCertificateFile(mspDir));
    const needsTls = request.tls === true && !fs.existsSync(path.join(tlsDir, 'server.crt'));
    if (enrolled && !needsTls) return dir;
    const enrollAs = { user: request.name, password: await this.#registered(request) };
    // Certificates name the organisation's host: its nodes and services are dialled there.
    const hosts = ['--csr.hosts', ['localhost', this.#org.host, ...(request.hosts ?? [])].join(',')];
    if (!enrolled) {
      fs.rmSync(mspDir, { recursive: true, force: true });
      await this.#client(
        `enroll ${request.name} at the CA of ${this.#org.key}`,
        ['enroll', '-M', mspDir, ...hosts, ...this.#common()],
        enrollAs,
      );
      normaliseEnrolledMsp(mspDir);
    }
    if (request.tls === true && (needsTls || !enrolled)) {
      fs.rmSync(tlsDir, { recursive: true, force: true });
      await this.#client(
        `enroll the TLS certificate of ${request.name} at the CA of ${this.#org.key}`,
        ['enroll', '-M', tlsDir, '--enrollment.profile', 'tls', ...hosts, ...this.#common()],
        enrollAs,
      );
      normaliseEnrolledTls(tlsDir, this.#layout.caCert(this.#org.key));
    }
    return dir;
  }

  /**
   * Enrolls a new TLS key pair and certificate for an identity that has one, into `<identity>/tls.next` (the one in
   * use is not touched); `adoptRenewedTls` puts it in place once whatever checks the old one has been told.
   */
  async renewTls(name: string, hosts: readonly string[] = []): Promise<string> {
    const dir = this.#layout.identityDir(this.#org.key, name);
    if (!fs.existsSync(path.join(dir, 'tls', 'server.crt'))) {
      throw new Error(`${name} of ${this.#org.key} has no TLS certificate to renew; \`medrec network up\` enrolls it`);
    }
    const next = renewedTlsDir(this.#layout, this.#org.key, name);
    await this.#enrollAgain(name, 'a new TLS certificate', next, ['--enrollment.profile', 'tls'], hosts);
    normaliseEnrolledTls(next, this.#layout.caCert(this.#org.key));
    return next;
  }

  /**
   * Enrolls a registered identity again, with the secret it was registered with, into `staged` (emptied first):
   * what `renewTls` and `renewEnrollment` stage beside the key pair in use.
   */
  async #enrollAgain(
    name: string,
    what: string,
    staged: string,
    profile: readonly string[],
    hosts: readonly string[],
  ): Promise<void> {
    const secret = loadOrCreateSecret(this.#layout, this.#org.key).identities[name];
    if (secret === undefined) throw new Error(`${name} is not registered at the CA of ${this.#org.key}`);
    fs.rmSync(staged, { recursive: true, force: true });
    await this.#client(
      `enroll ${what} for ${name} at the CA of ${this.#org.key}`,
      [
        'enroll',
        '-M',
        staged,
        ...profile,
        '--csr.hosts',
        ['localhost', this.#org.host, ...hosts].join(','),
        ...this.#common(),
      ],
      { user: name, password: secret },
    );
  }

  /**
   * Enrolls a new signing key pair and certificate for an enrolled identity, into `<identity>/msp.next` (the one in
   * use is not touched), with the secret it was registered with: the same enrollment id and attributes, so the
   * chaincode still binds it to the same participant. `adoptRenewedEnrollment` puts it in place.
   */
  async renewEnrollment(name: string, hosts: readonly string[] = []): Promise<string> {
    const dir = this.#layout.identityDir(this.#org.key, name);
    if (!fs.existsSync(mspCertificateFile(path.join(dir, 'msp')))) {
      throw new Error(`${name} of ${this.#org.key} has no enrollment to renew; \`medrec network up\` enrolls it`);
    }
    const next = renewedMspDir(this.#layout, this.#org.key, name);
    await this.#enrollAgain(name, 'a new signing certificate', next, [], hosts);
    normaliseEnrolledMsp(next);
    return next;
  }

  /**
   * A new certificate for the CA's bootstrap admin (the registrar the API registers users with), into
   * `<ca-admin>/msp.next`; `adoptRenewedRegistrar` puts it in place.
   */
  async renewRegistrar(): Promise<void> {
    const home = this.#layout.caAdminHome(this.#org.key);
    if (!fs.existsSync(mspCertificateFile(path.join(home, 'msp')))) {
      throw new Error(`the CA admin of ${this.#org.key} is not enrolled; \`medrec network up\` enrolls it`);
    }
    const next = path.join(home, 'msp.next');
    fs.rmSync(next, { recursive: true, force: true });
    const secret = loadOrCreateSecret(this.#layout, this.#org.key);
    await this.#client(
      `enroll a new certificate for the CA admin of ${this.#org.key}`,
      ['enroll', '-H', home, '-M', next, ...this.#common()],
      { user: 'admin', password: secret.bootstrapPassword },
    );
  }

  /** Puts the registrar's renewed certificate and key in place of the old ones (deleted). */
  adoptRenewedRegistrar(): void {
    const home = this.#layout.caAdminHome(this.#org.key);
    const next = path.join(home, 'msp.next');
    if (!fs.existsSync(mspCertificateFile(next))) throw new Error(`no renewed certificate for the CA admin to adopt`);
    replaceWithStaged(path.join(home, 'msp'), next);
  }

  /** Whether the CA's secret file holds this identity's enrollment secret (so that it can be enrolled again). */
  knowsSecretOf(name: string): boolean {
    return loadOrCreateSecret(this.#layout, this.#org.key).identities[name] !== undefined;
  }

  /** The identity's enrollment secret, registering it at the CA the first time. */
  async #registered(request: IdentityRequest): Promise<string> {
    const secret = loadOrCreateSecret(this.#layout, this.#org.key);
    const existing = secret.identities[request.name];
    if (existing !== undefined) return existing;
    const password = crypto.randomBytes(18).toString('base64url');
    const attrs = Object.entries(request.attributes ?? {}).map(([k, v]) => `${k}=${v}:ecert`);
    await this.#client(
      `register ${request.name} at the CA of ${this.#org.key}`,
      [
        'register',
        '--id.name',
        request.name,
        '--id.type',
        request.type,
        ...(attrs.length > 0 ? ['--id.attrs', attrs.join(',')] : []),
        ...this.#common(),
      ],
      { newIdentitySecret: password },
    );
    saveSecret(this.#layout, this.#org.key, {
      ...secret,
      identities: { ...secret.identities, [request.name]: password },
    });
    return password;
  }
}
