import type { Role } from '../../sdk/src/chaincode-types';
import { connectGateway, type GatewayConnection } from '../../sdk/src/gateway-connection';
import { createIdentityService } from '../../sdk/src/identity-service';
import type { MedrecClient, Submitted } from '../../sdk/src/medrec-client';
import type { Participant } from '../../sdk/src/chaincode-types';
import { createFileWallet, type Wallet, type WalletIdentity } from '../../sdk/src/wallet';
import type { Consortium } from './consortium';
import { untilDiscoverySettles } from './discovery-retry';
import type { PeerOrgKey } from './topology';
import { walletDirectory, walletSecret } from './wallet-secret';

export interface ProvisionRequest {
  readonly org: PeerOrgKey;
  readonly role: Role;
  readonly participantId: string;
  /** Fabric CA enrollment id; defaults to the participant id. */
  readonly enrollmentId?: string;
}

export interface ProvisionedUser {
  readonly org: PeerOrgKey;
  readonly role: Role;
  readonly participantId: string;
  readonly enrollmentId: string;
  readonly identity: WalletIdentity;
  readonly registration: Submitted<Participant>;
}

/** The organisation's wallet of user identities (private keys encrypted at rest). */
export function openOrgWallet(consortium: Consortium, org: PeerOrgKey): Promise<Wallet> {
  return createFileWallet({
    directory: walletDirectory(consortium.layout, org),
    secret: walletSecret(consortium.layout),
  });
}

/**
 * Gives a person a MedRec identity: registered and enrolled at the organisation's CA with medrec.role / medrec.id in
 * the certificate, kept in the organisation's wallet, and registered as a participant on the ledger by `registrar`
 * (a registrar or admin of the same organisation). Idempotent: a user already in the wallet is not enrolled again.
 */
export async function provisionUser(
  consortium: Consortium,
  request: Readonly<ProvisionRequest>,
  registrar: MedrecClient,
  wallet?: Wallet,
): Promise<ProvisionedUser> {
  const enrollmentId = request.enrollmentId ?? request.participantId;
  const userWallet = wallet ?? (await openOrgWallet(consortium, request.org));
  let identity = await userWallet.get(enrollmentId);
  if (identity === undefined) {
    const ca = createIdentityService(consortium.identityServiceOptions(request.org));
    const secret = await ca.register({ enrollmentId, role: request.role, participantId: request.participantId });
    const enrolled = await ca.enroll(enrollmentId, secret);
    identity = {
      label: enrollmentId,
      mspId: enrolled.mspId,
      certificate: enrolled.certificate,
      privateKey: enrolled.privateKey,
    };
    await userWallet.put(identity);
  }
  const registration = await untilDiscoverySettles(() =>
    registrar.registerParticipant({ participantId: request.participantId, role: request.role, enrollmentId }),
  );
  return {
    org: request.org,
    role: request.role,
    participantId: request.participantId,
    enrollmentId,
    identity,
    registration,
  };
}

/** A gateway connection signing as a wallet identity, through its organisation's peer. */
export function connectUser(consortium: Consortium, org: PeerOrgKey, identity: WalletIdentity): GatewayConnection {
  const endpoint = consortium.peerEndpoint(org);
  return connectGateway({
    peerAddress: endpoint.address,
    tlsRootCertificate: endpoint.tlsRootCertificate,
    tlsServerName: endpoint.tlsServerName,
    identity: { mspId: identity.mspId, certificate: identity.certificate, privateKey: identity.privateKey },
  });
}
