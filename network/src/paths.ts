import os from 'node:os';
import path from 'node:path';

/** Repository root (this file compiles to dist/network/src/paths.js). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Runtime state: ledgers, CA homes, identities, logs, pids. Kept by `down`, removed by `down --purge`. */
export function medrecHome(): string {
  return path.resolve(process.env.MEDREC_HOME ?? path.join(REPO_ROOT, '.medrec'));
}

/** Built Fabric binaries live outside the clone so a fresh clone on the same machine does not rebuild them. */
export function binaryCacheRoot(): string {
  return path.resolve(process.env.MEDREC_CACHE ?? path.join(os.homedir(), '.cache', 'medrec'));
}

export const BUILDER_DIR = path.join(REPO_ROOT, 'network', 'builder');
/** Fixes to Fabric's source, applied before its binaries are built (network/src/fabric-binaries.ts says why). */
export const FABRIC_PATCHES_DIR = path.join(REPO_ROOT, 'network', 'fabric-patches');
export const CHAINCODE_MODULE_DIR = path.join(REPO_ROOT, 'chaincode');
/** The one-machine consortium (network/consortium/local.yaml), read unless another consortium file is chosen. */
export const DEFAULT_CONSORTIUM_FILE = path.join(REPO_ROOT, 'network', 'consortium', 'local.yaml');
