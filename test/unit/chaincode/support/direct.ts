import { Context } from 'fabric-contract-api';
import type { ChaincodeStub } from 'fabric-shim';
import { FakeStub } from './fake-stub';
import type { FakeIdentity } from './fake-peer';
import type { Ledger } from './ledger';

/**
 * A transaction context over `ledger` for calling one chaincode function directly (a rule below the contracts, or a
 * caller the contracts' role gate would never let through). Reads see the committed state; writes stay in the stub.
 */
export function directContext(ledger: Ledger, who: FakeIdentity, timestampMs = ledger.clockMs): Context {
  const stub = new FakeStub(ledger, {
    txId: 'd'.repeat(64),
    timestampMs,
    fcn: 'direct',
    args: [],
    mspId: who.getMSPID(),
    idBytes: Buffer.from(who.getIDBytes()),
  });
  const ctx = new Context();
  ctx.stub = stub as unknown as ChaincodeStub;
  ctx.clientIdentity = who;
  return ctx;
}

/** The composite key the chaincode would use for (kind, ...parts). */
export function compositeKey(ledger: Ledger, who: FakeIdentity, kind: string, ...parts: string[]): string {
  return directContext(ledger, who).stub.createCompositeKey(kind, parts);
}

/** Puts a value straight into the committed state (for states no transaction can produce). */
export function putCommitted(ledger: Ledger, stateKey: string, value: unknown): void {
  ledger.state.set(stateKey, Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'));
}

/** The payload of the last chaincode event committed to the ledger. */
export function lastEvent(ledger: Ledger): { name: string; txId: string; payload: Record<string, unknown> } {
  const event = ledger.events.at(-1);
  if (event === undefined) {
    throw new Error('no event was committed');
  }
  return { name: event.name, txId: event.txId, payload: JSON.parse(event.payload.toString('utf8')) as never };
}
