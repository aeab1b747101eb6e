import type { Gateway } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import { TRANSACTIONS, TRANSACTION_NAMES } from '../../../contract/src/index';
import { createMedrecClient, SDK_METHOD_OF, type MedrecClient } from '../../../sdk/src/medrec-client';

interface Call {
  readonly name: string;
  readonly mode: 'submit' | 'evaluate';
  readonly args: readonly string[];
}

/** A gateway whose contract records every call and answers '{}' (an empty object is enough: nothing is parsed). */
function recordingClient(): { client: MedrecClient; calls: Call[] } {
  const calls: Call[] = [];
  const contract = {
    evaluate: (name: string, options: { arguments: string[] }) => {
      calls.push({ name, mode: 'evaluate', args: options.arguments });
      return Promise.resolve(new TextEncoder().encode('{}'));
    },
    newProposal: (name: string, options: { arguments: string[] }) => ({
      endorse: () => {
        calls.push({ name, mode: 'submit', args: options.arguments });
        return Promise.resolve({
          getTransactionId: () => 'tx',
          submit: () => Promise.resolve({ getStatus: () => Promise.resolve({ successful: true, code: 0 }) }),
          getResult: () => new TextEncoder().encode('{}'),
        });
      },
    }),
  };
  const gateway = { getNetwork: () => ({ getContract: () => contract }) } as unknown as Gateway;
  return { client: createMedrecClient(gateway), calls };
}

describe('the SDK covers the contract', () => {
  it('names an SDK method for every transaction of the contract, and nothing else', () => {
    expect(Object.keys(SDK_METHOD_OF).sort()).to.deep.equal([...TRANSACTION_NAMES].sort());
  });

  for (const name of TRANSACTION_NAMES) {
    const method = SDK_METHOD_OF[name];
    it(`${method}() calls ${name} (${TRANSACTIONS[name].submit ? 'submit' : 'evaluate'}) with its arguments`, async () => {
      const { client, calls } = recordingClient();
      // Every method takes at most two arguments; the recorder does not care what they are.
      const invoke = (
        client as unknown as Record<string, (this: MedrecClient, ...args: unknown[]) => Promise<unknown>>
      )[method];
      await invoke?.call(client, 'first', 'second');
      expect(calls).to.have.length(1);
      expect(calls[0]?.name).to.equal(name);
      expect(calls[0]?.mode).to.equal(TRANSACTIONS[name].submit ? 'submit' : 'evaluate');
      expect(calls[0]?.args).to.have.length(TRANSACTIONS[name].params.length);
    });
  }
});
