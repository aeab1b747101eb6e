import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Layout } from './layout';

/**
 * The key that encrypts the private keys in this network's wallets: MEDREC_WALLET_SECRET when set (production:
 * from a secret manager), else a random secret generated once into MEDREC_HOME/secrets/wallet.key (mode 0600).
 */
export function walletSecret(layout: Layout): string {
  const configured = process.env.MEDREC_WALLET_SECRET;
  if (configured !== undefined && configured !== '') return configured;
  const file = path.join(layout.home, 'secrets', 'wallet.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export function walletDirectory(layout: Layout, org: string): string {
  return path.join(layout.home, 'wallets', org);
}
