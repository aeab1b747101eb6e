import './quiet-logs';
import { createHash } from 'node:crypto';
import { JSONSerializer } from 'fabric-contract-api';
import type { ClientIdentity } from 'fabric-shim-api';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { contracts } from '../../../../chaincode/src/index';
import { TRANSACTIONS, type TransactionName, type TransactionSpec } from '../../../../contract/src/index';
import { FakeStub } from './fake-stub';
import { Ledger } from './ledger';

/** A client identity as the chaincode sees it: MSP id, certificate attributes and certificate bytes. */
export class FakeIdentity implements ClientIdentity {
  public readonly mspId: string;
  public readonly attrs: Readonly<Record<string, string>>;
  public readonly idBytes: Buffer;

  /** `certPem`: a real certificate for checks that parse it; otherwise a fake PEM that only looks like one. */
  public constructor(mspId: string, attrs: Record<string, string>, certPem?: string) {
    this.mspId = mspId;
    this.attrs = { ...attrs };
    const body = Buffer.from(`fake certificate of ${mspId} ${JSON.stringify(attrs)}`).toString('base64');
    const lines = body.match(/.{1,64}/g) ?? [];
    this.idBytes = Buffer.from(
      certPem ?? `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
    );
  }

  public assertAttributeValue(attrName: string, attrValue: string): boolean {
    return this.attrs[attrName] === attrValue;
  }

  public getAttributeValue(attrName: string): string | null {
    return this.attrs[attrName] ?? null;
  }

  public getID(): string {
    // The issuer as the organisation's test CA (support/certs.ts orgPki) names itself, like the real certificates.
    return `x509::/CN=${this.attrs['medrec.id'] ?? 'anonymous'}::/C=US/O=${this.mspId}/CN=ca.${this.mspId}`;
  }

  public getIDBytes(): Uint8Array {
    return this.idBytes;
  }

  public getMSPID(): string {
    return this.mspId;
  }

  /** SHA-256 of the DER inside the PEM: what the chaincode binds tickets to. */
  public certSha256(): string {
    const base64 = this.idBytes.toString('utf8').replace(/-----[A-Z ]+-----|\s/g, '');
    return createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');
  }
}

export function identity(mspId: string, role: string, id: string, certPem?: string): FakeIdentity {
  return new FakeIdentity(mspId, { 'medrec.role': role, 'medrec.id': id }, certPem);
}

export interface TxOutcome {
  ok: boolean;
  txId: string;
  timestampMs: number;
  /** Success payload (the wire bytes as text). */
  payload: string;
  /** Error message as the peer returns it to the client. */
  message: string;
  /** Number of keys the transaction wrote (committed only when ok). */
  writes: number;
  /** Every setEvent call the transaction made, in order. */
  eventCalls: { name: string; payload: Buffer }[];
  /** SUBMIT or EVALUATE as the contract metadata tags the transaction; undefined if unknown. */
  kind: 'SUBMIT' | 'EVALUATE' | undefined;
}

let sharedChaincode: ChaincodeFromContract | undefined;

/** The router is built once: building it re-reads decorator metadata, which is the same for every test. */
export function chaincode(): ChaincodeFromContract {
  sharedChaincode ??= new ChaincodeFromContract(
    [...contracts],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    'medrec',
    '0.1.0',
  );
  return sharedChaincode;
}

/**
 * Plays the peer for one channel: every invoke is one transaction, routed like fabric-shim's
 * ChaincodeFromContract.invokeFunctionality (same metadata, same argument marshalling, same error-to-message
 * path), but with a fake client identity instead of one parsed from a real certificate. Writes are committed
 * only when the transaction function resolves.
 */
export class FakePeer {
  public readonly ledger: Ledger;

  public constructor(ledger: Ledger = new Ledger()) {
    this.ledger = ledger;
  }

  public async invoke(who: ClientIdentity, fcn: string, args: string[] = [], at?: number): Promise<TxOutcome> {
    const txId = this.ledger.nextTxId();
    const timestampMs = at ?? this.ledger.clockMs;
    this.ledger.clockMs = timestampMs + 1000;
    const stub = new FakeStub(this.ledger, {
      txId,
      timestampMs,
      fcn,
      args,
      mspId: who.getMSPID(),
      idBytes: Buffer.from(who.getIDBytes()),
    });
    const base = { txId, timestampMs, writes: 0, eventCalls: stub.eventCalls, kind: undefined };
    const route = routeOf(fcn);
    const impl = chaincode().contractImplementations[route.contract];
    if (impl === undefined) {
      return { ...base, ok: false, payload: '', message: `Contract name is not known: ${route.contract}` };
    }
    const descriptor = chaincode().metadata.contracts[route.contract]?.transactions.find((tx) => tx.name === route.fn);
    const kind = descriptor === undefined ? undefined : descriptor.tag?.includes('SUBMIT') ? 'SUBMIT' : 'EVALUATE';
    try {
      const payload = await run(impl, descriptor, route.fn, stub, who);
      assertResultMatchesContract(fcn, payload);
      const lastEvent = stub.eventCalls.at(-1);
      this.ledger.commit(
        txId,
        timestampMs,
        stub.writes,
        lastEvent === undefined ? undefined : { txId, name: lastEvent.name, payload: lastEvent.payload },
      );
      return { ...base, kind, ok: true, payload, message: '', writes: stub.writes.size };
    } catch (error: unknown) {
      if (error instanceof ContractDriftError) throw error;
      return { ...base, kind, ok: false, payload: '', message: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** Thrown by the harness, never caught as an outcome: a result that drifted from the contract fails the test. */
class ContractDriftError extends Error {}

/** Every successful result must parse with the contract module's result schema for its transaction. */
function assertResultMatchesContract(fcn: string, payload: string): void {
  if (!Object.hasOwn(TRANSACTIONS, fcn)) return;
  const spec: TransactionSpec = TRANSACTIONS[fcn as TransactionName];
  if (payload === '' && spec.emptyWhenAbsent === true) return;
  const parsed = spec.result.safeParse(JSON.parse(payload));
  if (!parsed.success) {
    throw new ContractDriftError(`${fcn} returned a result its contract schema refuses: ${parsed.error.message}`);
  }
}

type Implementation = NonNullable<ChaincodeFromContract['contractImplementations'][string]>;
type Descriptor = ChaincodeFromContract['metadata']['contracts'][string]['transactions'][number];

/** 'Contract:Fn' as fabric-shim splits it; no contract name means the default (first) contract. */
function routeOf(fcn: string): { contract: string; fn: string } {
  const separator = fcn.indexOf(':');
  return separator < 0
    ? { contract: 'Health', fn: fcn }
    : { contract: fcn.slice(0, separator), fn: fcn.slice(separator + 1) };
}

/** The body of invokeFunctionality: marshal arguments, run the hooks and the function, marshal the result. */
async function run(
  impl: Implementation,
  descriptor: Descriptor | undefined,
  fn: string,
  stub: FakeStub,
  who: ClientIdentity,
): Promise<string> {
  const ctx = impl.contractInstance.createContext();
  ctx.setChaincodeStub(stub);
  ctx.setClientIdentity(who);
  if (descriptor === undefined) {
    await impl.contractInstance.unknownTransaction(ctx);
    return '';
  }
  const params = impl.dataMarshall.handleParameters(descriptor, stub.getBufferArgs().slice(1), stub.getTxID());
  await impl.contractInstance.beforeTransaction(ctx);
  const result = await impl.contractInstance.aroundTransaction(ctx, fn, params);
  await impl.contractInstance.afterTransaction(ctx, result);
  return impl.dataMarshall.toWireBuffer(result, undefined, stub.getTxID())?.toString('utf8') ?? '';
}
