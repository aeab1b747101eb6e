import fs from 'node:fs';
import path from 'node:path';
import type { RecordStoreConfig } from '@medrec/gatekeeper';
import type { IdentityServiceOptions } from '@medrec/sdk';
import type { PeerEndpoint } from './wallet-ledger-gateway';

/** How this organisation's API reaches Fabric, its CA, its wallet and its gatekeeper store (set by the launcher). */
export interface FabricEnvironment {
  readonly mspId: string;
  readonly peer: PeerEndpoint;
  readonly ca: IdentityServiceOptions;
  readonly walletDirectory: string;
  readonly walletSecret: string;
  readonly store: RecordStoreConfig;
  /** The organisation's own gatekeeper, which /healthz checks: its https URL and the CA root its certificate chains to. */
  readonly gatekeeper: { readonly url: string; readonly tlsRootCertificate: string };
  /** The wallet identity /healthz asks the peer with (the API's own admin), so no user's identity is used for it. */
  readonly healthIdentity: string;
}

function required(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set; \`medrec network up\` sets it when it starts the API (see README: Configuration)`,
    );
  }
  return value;
}

function readFile(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const file = required(env, name);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${name}=${file} cannot be read (${String(err)}); point it at the PEM file`);
  }
}

/** The registrar's MSP directory holds signcerts/cert.pem and exactly one key in keystore/. */
function registrarKey(mspDir: string): string {
  const keystore = path.join(mspDir, 'keystore');
  const keys = fs.readdirSync(keystore);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) throw new Error(`expected one key in ${keystore}`);
  return fs.readFileSync(path.join(keystore, key), 'utf8');
}

export function readFabricEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): FabricEnvironment {
  const mspId = required(env, 'MEDREC_MSP_ID');
  const registrarDir = required(env, 'MEDREC_CA_REGISTRAR_MSP_DIR');
  const secret = required(env, 'MEDREC_WALLET_SECRET');
  return {
    mspId,
    peer: {
      address: required(env, 'MEDREC_PEER_ADDRESS'),
      tlsRootCertificate: readFile(env, 'MEDREC_PEER_TLS_ROOT_FILE'),
      tlsServerName: 'localhost',
    },
    ca: {
      caUrl: required(env, 'MEDREC_CA_URL'),
      caName: required(env, 'MEDREC_CA_NAME'),
      tlsRootCertificate: readFile(env, 'MEDREC_CA_TLS_ROOT_FILE'),
      mspId,
      registrar: {
        enrollmentId: required(env, 'MEDREC_CA_REGISTRAR_ID'),
        mspId,
        certificate: fs.readFileSync(path.join(registrarDir, 'signcerts', 'cert.pem'), 'utf8'),
        privateKey: registrarKey(registrarDir),
      },
    },
    walletDirectory: required(env, 'MEDREC_WALLET_DIR'),
    walletSecret: secret,
    store: {
      ...(env.MEDREC_GATEKEEPER_DATABASE_URL ? { databaseUrl: env.MEDREC_GATEKEEPER_DATABASE_URL } : {}),
      ...(env.MEDREC_GATEKEEPER_DATABASE_SCHEMA ? { databaseSchema: env.MEDREC_GATEKEEPER_DATABASE_SCHEMA } : {}),
      sqliteFile: required(env, 'MEDREC_GATEKEEPER_SQLITE_FILE'),
    },
    gatekeeper: {
      url: required(env, 'MEDREC_GATEKEEPER_URL'),
      tlsRootCertificate: readFile(env, 'MEDREC_GATEKEEPER_TLS_ROOT_FILE'),
    },
    healthIdentity: required(env, 'MEDREC_API_HEALTH_IDENTITY'),
  };
}
