import {
  connectGateway,
  type GatewayConnection,
  type MedrecClient,
  provisionUser as provisionSdkUser,
  type ProvisionedUser as SdkProvisionedUser,
  type ProvisionRequest as SdkProvisionRequest,
  createFileWallet,
  type Wallet,
  type WalletIdentity,
} from '@medrec/sdk';
import { untilDiscoverySettles } from './discovery-retry';
import type { FabricAccess } from './fabric-access';
import type { PeerOrgKey } from './topology';
import { walletDirectory, walletSecret } from './wallet-secret';

export interface ProvisionRequest extends SdkProvisionRequest {
  readonly org: PeerOrgKey;
}

export interface ProvisionedUser extends SdkProvisionedUser {
  readonly org: PeerOrgKey;
}

/** The organisation's wallet of user identities (private keys encrypted at rest). */
export function openOrgWallet(consortium: FabricAccess, org: PeerOrgKey): Promise<Wallet> {
  return createFileWallet({
    directory: walletDirectory(consortium.layout, org),
    secret: walletSecret(consortium.layout),
  });
}

/** Provisions a user of one of the local network's organisations (see sdk/src/user-provisioning.ts). */
export async function provisionUser(
  consortium: FabricAccess,
  request: Readonly<ProvisionRequest>,
  registrar: MedrecClient,
  wallet?: Wallet,
): Promise<ProvisionedUser> {
  const context = {
    ca: consortium.identityServiceOptions(request.org),
    wallet: wallet ?? (await openOrgWallet(consortium, request.org)),
    registrar,
  };
  // Right after a (re)start, discovery may still be settling: retry what is not a chaincode refusal.
  const user = await untilDiscoverySettles(() => provisionSdkUser(context, request));
  return { ...user, org: request.org };
}

/** A gateway connection signing as a wallet identity, through its organisation's peer. */
export function connectUser(consortium: FabricAccess, org: PeerOrgKey, identity: WalletIdentity): GatewayConnection {
  const endpoint = consortium.peerEndpoint(org);
  return connectGateway({
    peerAddress: endpoint.address,
    tlsRootCertificate: endpoint.tlsRootCertificate,
    tlsServerName: endpoint.tlsServerName,
    identity: { mspId: identity.mspId, certificate: identity.certificate, privateKey: identity.privateKey },
  });
}
