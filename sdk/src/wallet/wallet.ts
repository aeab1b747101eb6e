/** An on-disk store of the identities (certificate + private key) a process signs with. */
import type { KeyObject } from 'node:crypto';

/** An identity enrolled at an organisation's Fabric CA. */
export interface WalletIdentity {
  /** Name the identity is stored under, e.g. the enrollment id. */
  readonly label: string;
  readonly mspId: string;
  /** X.509 certificate, PEM. */
  readonly certificate: string;
  /** PKCS#8 private key, PEM. Only ever written to disk encrypted. */
  readonly privateKey: string;
  /**
   * The same key already parsed, when the wallet holds it so (the caching wallet): signers use it instead of parsing
   * the PEM on every request.
   */
  readonly signingKey?: KeyObject;
}

export interface Wallet {
  /** Stores (or replaces, e.g. after re-enrolment) the identity under its label. */
  put(identity: Readonly<WalletIdentity>): Promise<void>;
  /** The identity, decrypted, or undefined if there is none under that label. */
  get(label: string): Promise<WalletIdentity | undefined>;
  /** Labels of the stored identities, sorted. */
  list(): Promise<string[]>;
  /** Deletes the identity; true if there was one. */
  remove(label: string): Promise<boolean>;
}
