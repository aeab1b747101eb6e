import { expect } from 'chai';
import { TRANSACTIONS, TRANSACTION_NAMES } from '../../../contract/src/index';
import { chaincode } from '../chaincode/support/fake-peer';

interface DescribedTransaction {
  readonly name: string;
  readonly tag: readonly string[];
  readonly parameters?: readonly { readonly name: string }[];
}

async function chaincodeTransactions(): Promise<Map<string, DescribedTransaction>> {
  const system = chaincode().contractImplementations['org.hyperledger.fabric']?.contractInstance as unknown as {
    GetMetadata(): Promise<{ contracts: Record<string, { transactions: DescribedTransaction[] }> }>;
  };
  const metadata = await system.GetMetadata();
  return new Map(
    Object.entries(metadata.contracts)
      .filter(([contract]) => contract !== 'org.hyperledger.fabric')
      .flatMap(([contract, body]) => body.transactions.map((t) => [`${contract}:${t.name}`, t] as const)),
  );
}

describe('the contract module and the chaincode declare the same transactions', () => {
  it('every chaincode transaction is in the contract catalogue and every catalogue entry is a transaction', async () => {
    const declared = [...(await chaincodeTransactions()).keys()].sort();
    expect(declared).to.deep.equal([...TRANSACTION_NAMES].sort());
  });

  it('submit and evaluate agree with the chaincode (SUBMIT / EVALUATE tags)', async () => {
    const declared = await chaincodeTransactions();
    for (const name of TRANSACTION_NAMES) {
      const tags = declared.get(name)?.tag ?? [];
      expect(tags.includes('SUBMIT'), name).to.equal(TRANSACTIONS[name].submit);
    }
  });

  it('arguments agree in number, order and name', async () => {
    const declared = await chaincodeTransactions();
    for (const name of TRANSACTION_NAMES) {
      const chaincodeParams = (declared.get(name)?.parameters ?? []).map((p) => p.name);
      const catalogueParams = TRANSACTIONS[name].params.map((p) => p.name);
      expect(chaincodeParams, name).to.deep.equal(catalogueParams);
    }
  });
});
