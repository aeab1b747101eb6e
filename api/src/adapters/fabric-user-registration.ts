import { provisionUser, type IdentityServiceOptions, type Wallet } from '@medrec/sdk';
import type { LedgerGateway, Registration, RegistrationRequest, UserRegistration } from '../ports';

export interface FabricUserRegistrationOptions {
  /** The organisation's CA and its registrar. */
  readonly ca: IdentityServiceOptions;
  readonly wallet: Wallet;
  readonly ledger: LedgerGateway;
}

/** Registers at the CA (medrec.role / medrec.id in the certificate), keeps the identity in the wallet, and
 * registers the participant on chain as the calling registrar or admin (so the ledger names who registered whom). */
export function createFabricUserRegistration(options: Readonly<FabricUserRegistrationOptions>): UserRegistration {
  return {
    async register(request: Readonly<RegistrationRequest>): Promise<Registration> {
      const registrar = await options.ledger.clientFor(request.caller);
      const user = await provisionUser(
        { ca: options.ca, wallet: options.wallet, registrar },
        // A new person gets a new identity: never one the wallet already holds (that would be a takeover).
        { role: request.role, participantId: request.participantId, mustBeNew: true },
      );
      return { participant: user.registration.value, transactionId: user.registration.transactionId };
    },
  };
}
