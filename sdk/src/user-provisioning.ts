import type { Participant, Role } from './chaincode-types';
import { createIdentityService, type IdentityServiceOptions } from './identity-service';
import type { MedrecClient, Submitted } from './medrec-client';
import type { Wallet, WalletIdentity } from './wallet';

export interface ProvisionRequest {
  readonly role: Role;
  readonly participantId: string;
  /** Fabric CA enrollment id (and wallet label); defaults to the participant id. */
  readonly enrollmentId?: string;
}

export interface ProvisionedUser {
  readonly role: Role;
  readonly participantId: string;
  readonly enrollmentId: string;
  readonly identity: WalletIdentity;
  readonly registration: Submitted<Participant>;
}

export interface ProvisioningContext {
  /** The organisation's CA and a registrar allowed to register users there. */
  readonly ca: IdentityServiceOptions;
  /** Where the user's identity is kept (private key encrypted at rest). */
  readonly wallet: Wallet;
  /** Registers the participant on chain: a registrar or admin of the same organisation. */
  readonly registrar: MedrecClient;
}

/**
 * Gives a person a MedRec identity: registered and enrolled at the organisation's CA with medrec.role / medrec.id in
 * the certificate, kept in the wallet, and registered as a participant on the ledger by the registrar.
 * Idempotent: a user already in the wallet is not enrolled again, and an identical participant is a no-op on chain.
 */
export async function provisionUser(
  context: Readonly<ProvisioningContext>,
  request: Readonly<ProvisionRequest>,
): Promise<ProvisionedUser> {
  const enrollmentId = request.enrollmentId ?? request.participantId;
  let identity = await context.wallet.get(enrollmentId);
  if (identity === undefined) {
    const ca = createIdentityService(context.ca);
    const secret = await ca.register({ enrollmentId, role: request.role, participantId: request.participantId });
    const enrolled = await ca.enroll(enrollmentId, secret);
    identity = {
      label: enrollmentId,
      mspId: enrolled.mspId,
      certificate: enrolled.certificate,
      privateKey: enrolled.privateKey,
    };
    await context.wallet.put(identity);
  }
  const registration = await context.registrar.registerParticipant({
    participantId: request.participantId,
    role: request.role,
    enrollmentId,
  });
  return { role: request.role, participantId: request.participantId, enrollmentId, identity, registration };
}
