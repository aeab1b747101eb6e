import type { ClientIdentity } from 'fabric-shim-api';
import type { FakePeer, TxOutcome } from './fake-peer';

/** A failed transaction as a client sees it: the chaincode's structured error parsed from the message. */
export class ChaincodeError extends Error {
  public readonly code: string;
  public readonly detail: string;
  public readonly outcome: TxOutcome;

  public constructor(outcome: TxOutcome) {
    super(outcome.message);
    this.outcome = outcome;
    let parsed: unknown;
    try {
      parsed = JSON.parse(outcome.message);
    } catch {
      parsed = undefined;
    }
    const body = parsed as { code?: unknown; message?: unknown } | undefined;
    this.code = typeof body?.code === 'string' ? body.code : 'NOT_MEDREC';
    this.detail = typeof body?.message === 'string' ? body.message : outcome.message;
  }
}

/** Runs one transaction and returns its JSON result, or throws ChaincodeError. */
export async function call<T = Record<string, unknown>>(
  peer: FakePeer,
  who: ClientIdentity,
  fcn: string,
  args: (string | object)[] = [],
  at?: number,
): Promise<T> {
  const outcome = await peer.invoke(
    who,
    fcn,
    args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))),
    at,
  );
  if (!outcome.ok) {
    throw new ChaincodeError(outcome);
  }
  return JSON.parse(outcome.payload) as T;
}

/** Runs one transaction that must fail; returns the parsed error. */
export async function callFails(
  peer: FakePeer,
  who: ClientIdentity,
  fcn: string,
  args: (string | object)[] = [],
  at?: number,
): Promise<ChaincodeError> {
  const outcome = await peer.invoke(
    who,
    fcn,
    args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))),
    at,
  );
  if (outcome.ok) {
    throw new Error(`${fcn} was expected to fail but returned ${outcome.payload}`);
  }
  return new ChaincodeError(outcome);
}
