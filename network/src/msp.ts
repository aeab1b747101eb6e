import fs from 'node:fs';
import path from 'node:path';

/** NodeOUs: the role of an identity (client, peer, admin, orderer) comes from the OU its CA wrote into it. */
export function nodeOuConfig(caCertRelative: string): string {
  const ou = (name: string): string =>
    `  ${name}OUIdentifier:\n    Certificate: ${caCertRelative}\n    OrganizationalUnitIdentifier: ${name.toLowerCase()}\n`;
  return `NodeOUs:\n  Enable: true\n${ou('Client')}${ou('Peer')}${ou('Admin')}${ou('Orderer')}`;
}

/** Writes an organisation MSP (for the channel configuration): CA root for identities and for TLS, NodeOUs on. */
export function writeOrgMsp(mspDir: string, caCertFile: string): void {
  for (const sub of ['cacerts', 'tlscacerts']) {
    fs.mkdirSync(path.join(mspDir, sub), { recursive: true });
    fs.copyFileSync(caCertFile, path.join(mspDir, sub, 'ca.pem'));
  }
  fs.writeFileSync(path.join(mspDir, 'config.yaml'), nodeOuConfig('cacerts/ca.pem'));
}

/** The signing certificate of a normalised MSP directory (see normaliseEnrolledMsp). */
export function mspCertificateFile(mspDir: string): string {
  return path.join(mspDir, 'signcerts', 'cert.pem');
}

/** The private key of a normalised MSP directory (see normaliseEnrolledMsp). */
export function mspKeyFile(mspDir: string): string {
  return path.join(mspDir, 'keystore', 'key.pem');
}

/** An enrolled identity's certificate and key as fabric-gateway takes them. */
export function readMspIdentity(mspDir: string): { certificate: string; privateKey: string } {
  return {
    certificate: fs.readFileSync(mspCertificateFile(mspDir), 'utf8'),
    privateKey: fs.readFileSync(mspKeyFile(mspDir), 'utf8'),
  };
}

/**
 * fabric-ca-client names files after the CA's address and the key after its SKI; rename them to fixed names so the
 * rest of the code (and operators) find them without globbing.
 */
export function normaliseEnrolledMsp(mspDir: string): void {
  const single = (dir: string): string => {
    const entries = fs.readdirSync(dir).filter((f) => !f.startsWith('.'));
    const first = entries[0];
    if (entries.length !== 1 || first === undefined) {
      throw new Error(
        `expected exactly one file in ${dir}, found ${entries.length}; delete ${mspDir} and enroll again`,
      );
    }
    return path.join(dir, first);
  };
  const ca = single(path.join(mspDir, 'cacerts'));
  fs.renameSync(ca, path.join(mspDir, 'cacerts', 'ca.pem'));
  const key = single(path.join(mspDir, 'keystore'));
  fs.renameSync(key, mspKeyFile(mspDir));
  fs.writeFileSync(path.join(mspDir, 'config.yaml'), nodeOuConfig('cacerts/ca.pem'));
}

/** Turns an enrollment under the "tls" profile into server.crt / server.key / ca.crt. */
export function normaliseEnrolledTls(tlsDir: string, caCertFile: string): void {
  const keyDir = path.join(tlsDir, 'keystore');
  const keys = fs.readdirSync(keyDir);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) throw new Error(`expected one TLS key in ${keyDir}; enroll TLS again`);
  fs.copyFileSync(path.join(keyDir, key), path.join(tlsDir, 'server.key'));
  fs.copyFileSync(mspCertificateFile(tlsDir), path.join(tlsDir, 'server.crt'));
  fs.copyFileSync(caCertFile, path.join(tlsDir, 'ca.crt'));
}
