/**
 * How MedRec's tooling reaches a running Fabric network: the narrow view that API processes, incentives, user
 * provisioning, the miner and the seeder depend on, so none of them depends on the code that runs the nodes.
 */
import { type GatewayConnection, type IdentityServiceOptions } from '@medrec/sdk';
import type { Layout } from './layout';
import type { PeerOrgKey, Topology } from './topology';

export interface EnrolledIdentity {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
}

export interface PeerEndpoint {
  /** host:port of its peer, or "ip:port,ip:port" of its peers: @medrec/sdk peerTarget fails over between them. */
  readonly address: string;
  readonly tlsRootCertificate: string;
  /** The peer's TLS certificate names "localhost" too; verifying that name avoids TLS SNI with an IP address. */
  readonly tlsServerName: string;
}

export interface FabricAccess {
  readonly topology: Topology;
  readonly layout: Layout;
  /** Registers (once) and enrolls a user at its organisation's CA with the given certificate attributes. */
  enrollUser(org: PeerOrgKey, name: string, attributes: Readonly<Record<string, string>>): Promise<EnrolledIdentity>;
  /** Where a client reaches an organisation's peer, and the TLS root to verify it. */
  peerEndpoint(org: PeerOrgKey): PeerEndpoint;
  /** A gateway connection signing as the organisation's admin (medrec.role=admin). Close it after use. */
  connectAdmin(org: PeerOrgKey): GatewayConnection;
  /** How to reach an organisation's CA with its bootstrap registrar (for registering users). */
  identityServiceOptions(org: PeerOrgKey): IdentityServiceOptions;
}
