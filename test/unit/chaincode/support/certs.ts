import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real CA (P-256 key, self-signed certificate) made with the openssl CLI: node cannot write certificates. */
export interface TestCa {
  certPem: string;
  keyPem: string;
}

/** A real leaf certificate issued by a TestCa, with its private key for signing. */
export interface TestLeaf {
  certPem: string;
  privateKey: KeyObject;
}

let serial = 1000;

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'medrec-certs-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(): { privateKey: KeyObject; pem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Subject like '/C=US/O=Hospital1MSP/CN=ca.hospital1'. */
export function makeCa(subject: string, isCa = true): TestCa {
  const key = newKey();
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'ca.key'), key.pem);
    openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      join(dir, 'ca.key'),
      '-subj',
      subject,
      '-days',
      '36500',
      '-sha256',
      // isCa false: a self-signed certificate that may not issue (no CA flag, no key usage).
      ...(isCa
        ? [
            '-addext',
            'basicConstraints=critical,CA:TRUE',
            '-addext',
            'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
          ]
        : ['-addext', 'basicConstraints=critical,CA:FALSE']),
      '-out',
      join(dir, 'ca.crt'),
    ]);
    return { certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'), keyPem: key.pem };
  });
}

/** Fabric CA's attribute extension: the raw JSON {"attrs": {...}} as the extension value. */
const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

/**
 * Subject like '/C=US/O=Hospital1MSP/OU=peer/CN=peer0.hospital1'; valid from now for `days`. `attrs` become Fabric CA
 * certificate attributes (e.g. medrec.role, medrec.id), read by fabric-shim's ClientIdentity.
 */
export function issueLeaf(
  ca: TestCa,
  subject: string,
  days = 36500,
  attrs?: Record<string, string>,
  subjectAltName?: string,
  /** Leave out the authority key identifier, as an impostor CA with the same name would: only the signature tells. */
  withoutAuthorityKeyId = false,
): TestLeaf {
  const key = newKey();
  serial += 1;
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'leaf.key'), key.pem);
    writeFileSync(join(dir, 'ca.key'), ca.keyPem);
    writeFileSync(join(dir, 'ca.crt'), ca.certPem);
    const attrsExtension =
      attrs === undefined
        ? ''
        : `${FABRIC_ATTRS_OID}=DER:${Buffer.from(JSON.stringify({ attrs }), 'utf8').toString('hex')}\n`;
    writeFileSync(
      join(dir, 'ext.cnf'),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n${attrsExtension}` +
        (subjectAltName === undefined ? '' : `subjectAltName=${subjectAltName}\n`) +
        (withoutAuthorityKeyId ? 'authorityKeyIdentifier=none\n' : ''),
    );
    openssl(['req', '-new', '-key', join(dir, 'leaf.key'), '-subj', subject, '-out', join(dir, 'leaf.csr')]);
    openssl([
      'x509',
      '-req',
      '-in',
      join(dir, 'leaf.csr'),
      '-CA',
      join(dir, 'ca.crt'),
      '-CAkey',
      join(dir, 'ca.key'),
      '-set_serial',
      String(serial),
      '-days',
      String(days),
      '-sha256',
      '-extfile',
      join(dir, 'ext.cnf'),
      '-out',
      join(dir, 'leaf.crt'),
    ]);
    return { certPem: readFileSync(join(dir, 'leaf.crt'), 'utf8'), privateKey: key.privateKey };
  });
}

/** One organisation's PKI: its CA, an admin (OU=admin), a peer (OU=peer) and a client (OU=client). */
export interface OrgPki {
  ca: TestCa;
  admin: TestLeaf;
  peer: TestLeaf;
  client: TestLeaf;
}

const orgs = new Map<string, OrgPki>();

/** Built once per MSP per test process. */
export function orgPki(mspId: string): OrgPki {
  let pki = orgs.get(mspId);
  if (pki === undefined) {
    const ca = makeCa(`/C=US/O=${mspId}/CN=ca.${mspId}`);
    pki = {
      ca,
      admin: issueLeaf(ca, `/C=US/O=${mspId}/OU=admin/CN=admin.${mspId}`),
      peer: issueLeaf(ca, `/C=US/O=${mspId}/OU=peer/CN=peer0.${mspId}`),
      client: issueLeaf(ca, `/C=US/O=${mspId}/OU=client/CN=client.${mspId}`),
    };
    orgs.set(mspId, pki);
  }
  return pki;
}
