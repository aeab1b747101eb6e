/**
 * New certificates for the users an organisation's API keeps in its wallet (patients, clinicians, researchers and
 * its administrators registered through the REST API). Fabric CA issues them for a year like every other
 * certificate. Each is re-enrolled with its own current certificate (fabric-ca's reenroll: a new key pair, the same
 * enrollment id and MedRec attributes, so the same participant) and stored back in place; the file wallet writes
 * each entry atomically, so a running API reads either the old identity or the new one, both valid.
 */
import type { IdentityService, Wallet } from '@medrec/sdk';
import { mapBounded } from './bounded-pool';

const CONCURRENCY = 4;

export interface WalletRenewal {
  readonly renewed: readonly string[];
  /** Identities the CA would not re-enroll (revoked, unknown, or already expired), with its answer. */
  readonly failed: readonly { readonly label: string; readonly reason: string }[];
}

export async function renewWalletIdentities(
  wallet: Wallet,
  identities: IdentityService,
  progress: (message: string) => void,
): Promise<WalletRenewal> {
  const labels = await wallet.list();
  const renewed: string[] = [];
  const failed: { label: string; reason: string }[] = [];
  // One user the CA refuses (revoked, say) must not keep every other user's certificate from being renewed: failures
  // are collected, not thrown.
  await mapBounded(labels, CONCURRENCY, async (label) => {
    const held = await wallet.get(label);
    if (held === undefined) return; // removed since the listing
    try {
      const next = await identities.reenroll({
        enrollmentId: label,
        mspId: held.mspId,
        certificate: held.certificate,
        privateKey: held.privateKey,
      });
      await wallet.put({ label, mspId: next.mspId, certificate: next.certificate, privateKey: next.privateKey });
      renewed.push(label);
    } catch (error) {
      failed.push({ label, reason: error instanceof Error ? error.message : String(error) });
    }
    const done = renewed.length + failed.length;
    if (done % 25 === 0 || done === labels.length) {
      progress(
        `${String(done)} of ${String(labels.length)} wallet users re-enrolled (${String(failed.length)} refused)`,
      );
    }
  });
  return { renewed: renewed.sort(), failed: failed.sort((a, b) => a.label.localeCompare(b.label)) };
}
