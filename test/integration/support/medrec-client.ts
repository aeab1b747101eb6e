import { X509Certificate } from 'node:crypto';
import type { Organisation as ContractOrganisation, OrganisationInput } from '../../../contract/src/registrar';
import { EndorseError, GatewayError, type Contract } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { CHAINCODE_NAME, CHANNEL_NAME, type PeerOrgKey } from '../../../network/src/topology';
import type { ClientIdentity, GatewayConnection } from '../../../sdk/src/gateway-connection';
import { connectAs, connectWith, consortium, freshId, sleep } from './shared-network';

const utf8 = new TextDecoder();

export type Connection = GatewayConnection & { identity: ClientIdentity };

/** A MedRec identity: its participant id (the certificate's medrec.id) and a gateway connection signing as it. */
export interface Actor {
  readonly participantId: string;
  readonly role: string;
  readonly org: PeerOrgKey;
  readonly connection: Connection;
}

/** What a committed submit gave back: the gateway's transaction id and the chaincode's result. */
export interface Submitted<T> {
  readonly txId: string;
  readonly raw: Uint8Array;
  readonly result: T;
}

/** The chaincode's structured error payload `{code, message}`. */
export interface ChaincodeFailure {
  readonly code: string;
  readonly message: string;
}

/** The MSP ids of the default consortium's peer organisations (network/consortium/local.yaml): the tests' network. */
export const MSP_ID = {
  hospital1: 'Hospital1MSP',
  hospital2: 'Hospital2MSP',
  research: 'ResearchMSP',
} as const satisfies Readonly<Record<PeerOrgKey, string>>;

/** MSP_ID of an organisation held in a variable (PeerOrgKey is any organisation name of a consortium file). */
export function mspIdOf(org: PeerOrgKey): string {
  const mspId = (MSP_ID as Readonly<Record<PeerOrgKey, string>>)[org];
  if (mspId === undefined) throw new Error(`${org} is not a peer organisation of the default consortium`);
  return mspId;
}

/** The whole MedRec chaincode (every contract); transactions are named `Contract:Transaction`. */
export function medrec(connection: GatewayConnection): Contract {
  return connection.gateway.getNetwork(CHANNEL_NAME).getContract(CHAINCODE_NAME);
}

/**
 * Endorses, submits and waits for the commit of one transaction; fails unless it committed as valid. The
 * transaction id is the one the gateway assigned to the proposal (and the endorsed transaction).
 */
export async function submit<T = Record<string, unknown>>(
  connection: GatewayConnection,
  transaction: string,
  ...args: string[]
): Promise<Submitted<T>> {
  const proposal = medrec(connection).newProposal(transaction, { arguments: args });
  const txId = proposal.getTransactionId();
  const endorsed = await proposal.endorse();
  if (endorsed.getTransactionId() !== txId) {
    throw new Error(`${transaction}: endorsed transaction id ${endorsed.getTransactionId()} differs from ${txId}`);
  }
  const committed = await endorsed.submit();
  const status = await committed.getStatus();
  if (!status.successful || status.transactionId !== txId) {
    throw new Error(`${transaction} ${txId} did not commit as valid: status ${String(status.code)}`);
  }
  // Fabric's commit status comes from the gateway's own peer; the next step may be endorsed by another
  // organisation's peer, so wait until every peer has this block (read-after-write across organisations).
  await untilEveryPeerHas(status.blockNumber);
  const raw = endorsed.getResult();
  return { txId, raw, result: JSON.parse(utf8.decode(raw)) as T };
}

/** One admin connection per organisation, used only to read each peer's channel height. */
const heightProbes = new Map<PeerOrgKey, GatewayConnection>();

async function peerHeight(org: PeerOrgKey): Promise<bigint> {
  let probe = heightProbes.get(org);
  if (probe === undefined) {
    probe = consortium().connectAdmin(org);
    heightProbes.set(org, probe);
  }
  const bytes = await probe.gateway
    .getNetwork(CHANNEL_NAME)
    .getContract('qscc')
    .evaluateTransaction('GetChainInfo', CHANNEL_NAME);
  return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
}

/** Waits (at most 30 s) until every organisation's peer has committed block `blockNumber`. */
export async function untilEveryPeerHas(blockNumber: bigint): Promise<void> {
  const orgs = [...new Set(consortium().topology.peers.map((p) => p.org))];
  const deadline = Date.now() + 30_000;
  for (const org of orgs) {
    let height = await peerHeight(org);
    while (height <= blockNumber) {
      if (Date.now() > deadline) {
        throw new Error(`${org}'s peer is at height ${String(height)}, still without block ${String(blockNumber)}`);
      }
      await sleep(50);
      height = await peerHeight(org);
    }
  }
}

/** Closes the height probes (root afterAll hook). */
export function closeHeightProbes(): void {
  for (const probe of heightProbes.values()) probe.close();
  heightProbes.clear();
}

export async function evaluate<T = Record<string, unknown>>(
  connection: GatewayConnection,
  transaction: string,
  ...args: string[]
): Promise<T> {
  return JSON.parse(utf8.decode(await medrec(connection).evaluateTransaction(transaction, ...args))) as T;
}

/** Runs `call`, which must fail, and returns the error it threw. */
export async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded but was expected to fail');
}

/**
 * The JSON objects embedded in a text, found structurally: from each `{`, the balanced extent (aware of JSON
 * strings and escapes) is handed to JSON.parse; texts that do not parse as an object are skipped.
 */
export function embeddedJsonObjects(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  let i = 0;
  while ((i = text.indexOf('{', i)) >= 0) {
    const end = balancedEnd(text, i);
    if (end === undefined) {
      i += 1;
      continue;
    }
    try {
      const parsed = JSON.parse(text.slice(i, end + 1)) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        found.push(parsed as Record<string, unknown>);
        i = end + 1;
        continue;
      }
    } catch {
      // not JSON: try the next '{'
    }
    i += 1;
  }
  return found;
}

function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let j = start; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return undefined;
}

/**
 * The chaincode's `{code, message}` payload from a failed endorsement: it must be an EndorseError from the Fabric
 * Gateway, and every peer that answered must carry the same payload in its error detail.
 */
export function chaincodeFailureOf(err: unknown): ChaincodeFailure & { transactionId: string } {
  if (!(err instanceof EndorseError)) {
    throw new Error(`expected an EndorseError, got ${err instanceof Error ? err.name : typeof err}: ${String(err)}`);
  }
  const payloads = err.details.map((detail) => payloadIn(detail.message));
  const first = payloads[0];
  if (first === undefined || payloads.some((p) => p?.code !== first.code || p.message !== first.message)) {
    throw new Error(`no consistent MedRec payload in the endorsement details: ${JSON.stringify(err.details)}`);
  }
  return { ...first, transactionId: err.transactionId };
}

function payloadIn(text: string): ChaincodeFailure | undefined {
  for (const candidate of embeddedJsonObjects(text)) {
    const { code, message } = candidate;
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  return undefined;
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** The Fabric CA enrollment id of an identity: the CN of its certificate's subject. */
export function enrollmentIdOf(identity: ClientIdentity): string {
  const subject = new X509Certificate(identity.certificate).subject.split('\n');
  const cn = subject.find((line) => line.startsWith('CN='));
  if (cn === undefined) throw new Error(`certificate without a CN: ${subject.join(', ')}`);
  return cn.slice('CN='.length);
}

/** Another gateway connection signing as the same identity, through `viaOrg`'s peer. */
export function reconnect(identity: ClientIdentity, viaOrg: PeerOrgKey): Connection {
  return connectWith(identity, viaOrg);
}

/** Enrolls a fresh identity at `org` with medrec.role / medrec.id certificate attributes. */
export async function enrol(org: PeerOrgKey, role: string, prefix: string = role): Promise<Actor> {
  const participantId = freshId(prefix);
  const connection = await connectAs(org, { 'medrec.role': role, 'medrec.id': participantId });
  return { participantId, role, org, connection };
}

// The contract's shapes, not a second copy that would drift from them.
export type OrganisationBody = OrganisationInput;
export type Organisation = ContractOrganisation;

/**
 * The organisation as the ledger holds it, registering it first when absent. Registration is idempotent as the
 * chaincode defines it: an existing organisation is re-registered with its stored body, which must be a no-op
 * (the stored object comes back unchanged); a fresh registration is repeated once to show the same.
 */
export async function ensureOrganisation(
  admin: Actor,
): Promise<{ organisation: Organisation; registeredNow: boolean; repeat: Organisation }> {
  const mspId = mspIdOf(admin.org);
  const existing = await evaluate<Organisation>(admin.connection, 'Registrar:GetOrganisation', mspId).catch(
    (err: unknown) => {
      if (isGatewayError(err) && payloadInError(err)?.code === 'MEDREC_NOT_FOUND') return undefined;
      throw err;
    },
  );
  let organisation: Organisation;
  if (existing === undefined) {
    const body: OrganisationBody = {
      mspId,
      displayName: consortium().topology.organisations.find((o) => o.key === admin.org)?.displayName ?? mspId,
      gatekeeperUrl: `https://gatekeeper.${mspId.toLowerCase()}.example:8443`,
      caRootCertsPem: [consortium().peerEndpoint(admin.org).tlsRootCertificate],
    };
    organisation = (
      await submit<Organisation>(admin.connection, 'Registrar:RegisterOrganisation', JSON.stringify(body))
    ).result;
  } else {
    organisation = existing;
  }
  // The stored registration body, with the optional legal identity the bootstrap registers.
  const { mspId: m, displayName, gatekeeperUrl, caRootCertsPem, legalName, postalAddress, contact } = organisation;
  const repeat = await submit<Organisation>(
    admin.connection,
    'Registrar:RegisterOrganisation',
    JSON.stringify({ mspId: m, displayName, gatekeeperUrl, caRootCertsPem, legalName, postalAddress, contact }),
  );
  return { organisation, registeredNow: existing === undefined, repeat: repeat.result };
}

/** The MedRec payload of any gateway error (evaluate or endorse), if it carries one. */
export function payloadInError(err: GatewayError): ChaincodeFailure | undefined {
  for (const text of [err.message, ...err.details.map((d) => d.message)]) {
    const payload = payloadIn(text);
    if (payload !== undefined) return payload;
  }
  return undefined;
}

/** Enrolls a fresh identity with `role` at the registrar's organisation and registers it as a participant. */
export async function registerParticipant(
  registrar: Actor,
  role: string,
  prefix: string = role,
): Promise<Actor & { registration: Submitted<Record<string, unknown>> }> {
  const actor = await enrol(registrar.org, role, prefix);
  const registration = await submit(
    registrar.connection,
    'Registrar:RegisterParticipant',
    JSON.stringify({
      participantId: actor.participantId,
      role,
      enrollmentId: enrollmentIdOf(actor.connection.identity),
    }),
  );
  return { ...actor, registration };
}

export function closeAll(actors: readonly (Actor | undefined)[]): void {
  for (const actor of actors) actor?.connection.close();
}
