/**
 * The Fabric build this project runs, pinned by Go module version.
 *
 * The project's target is Fabric v3.1.5 (commit 86c1172bec37, pseudo-version
 * v1.4.0-rc1.0.20260618074816-86c1172bec37); docs/architecture.md, "Pinned Fabric", says why a commit is pinned.
 * The module proxy reachable here answers 403 "not available" for that version (and for every v2.5/v3 commit we
 * tried, and for the nested ccaas_builder module), so we pin the newest fabric commit it serves: main at 2023-04-05
 * (695dd57e01c2, Fabric 3.0.0 development line, just after v2.5.0). Changing FABRIC_MODULE_VERSION is the only
 * step needed to move to v3.1.5 once the proxy serves it: the cache key includes it, so binaries are rebuilt.
 * The chaincode-as-a-service builder is our own (network/builder/bin), equivalent to fabric's ccaas_builder.
 */
export const FABRIC_MODULE = 'github.com/hyperledger/fabric';
export const FABRIC_MODULE_VERSION = 'v1.4.0-rc1.0.20230405174026-695dd57e01c2';
export const FABRIC_CA_MODULE = 'github.com/hyperledger/fabric-ca';
export const FABRIC_CA_MODULE_VERSION = 'v1.5.21';

export const FABRIC_TOOLS = ['peer', 'orderer', 'configtxgen', 'osnadmin', 'configtxlator'] as const;
export const FABRIC_CA_TOOLS = ['fabric-ca-server', 'fabric-ca-client'] as const;
export type FabricTool = (typeof FABRIC_TOOLS)[number] | (typeof FABRIC_CA_TOOLS)[number];
