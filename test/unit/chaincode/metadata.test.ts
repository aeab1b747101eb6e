import { expect } from 'chai';
import { PERMISSIONS } from '../../../chaincode/src/common/permissions';
import { chaincode } from './support/fake-peer';

describe('contract metadata (org.hyperledger.fabric:GetMetadata)', () => {
  const system = chaincode().contractImplementations['org.hyperledger.fabric']?.contractInstance as unknown as {
    GetMetadata(): Promise<unknown>;
  };

  it('describes every gated transaction with typed, described parameters and a return type', async () => {
    const metadata = (await system.GetMetadata()) as {
      contracts: Record<
        string,
        {
          transactions: {
            name: string;
            tag: string[];
            parameters?: { name: string; description: string; schema: { type?: string } }[];
            returns?: { type?: string };
          }[];
        }
      >;
    };
    for (const tx of Object.keys(PERMISSIONS)) {
      const [contract, name] = tx.split(':') as [string, string];
      const described = metadata.contracts[contract]?.transactions.find((t) => t.name === name);
      expect(described, tx).to.not.equal(undefined);
      expect(described!.returns, tx).to.deep.equal({ type: 'string' });
      expect(described!.tag, tx).to.satisfy((tags: string[]) => tags.includes('SUBMIT') || tags.includes('EVALUATE'));
      for (const parameter of described!.parameters ?? []) {
        expect(parameter.schema, `${tx}(${parameter.name})`).to.deep.equal({ type: 'string' });
        expect(parameter.description, `${tx}(${parameter.name})`).to.not.equal('');
      }
    }
  });

  it('exposes no undecorated helper and no transaction outside the permission table', async () => {
    const metadata = (await system.GetMetadata()) as {
      contracts: Record<string, { transactions: { name: string }[] }>;
    };
    const names = Object.entries(metadata.contracts)
      .filter(([contract]) => contract !== 'org.hyperledger.fabric' && contract !== 'Health')
      .flatMap(([contract, body]) => body.transactions.map((t) => `${contract}:${t.name}`))
      .sort();
    expect(names).to.deep.equal(Object.keys(PERMISSIONS).sort());
  });

  it('tags queries EVALUATE and state changes SUBMIT', async () => {
    const metadata = (await system.GetMetadata()) as {
      contracts: Record<string, { transactions: { name: string; tag: string[] }[] }>;
    };
    const tagOf = (contract: string, name: string): string[] | undefined =>
      metadata.contracts[contract]?.transactions.find((t) => t.name === name)?.tag;
    expect(tagOf('Consent', 'GrantConsent')).to.include('SUBMIT');
    expect(tagOf('Audit', 'QueryByPatient')).to.deep.equal(['EVALUATE']);
    expect(tagOf('Access', 'RequestAccess')).to.include('SUBMIT');
  });
});
