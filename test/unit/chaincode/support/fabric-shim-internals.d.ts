// The contract router fabric-chaincode-node itself uses (no published typings); tests drive transactions through it.
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { Context, Contract } from 'fabric-contract-api';

  interface TransactionDescriptor {
    name: string;
    tag?: string[];
    parameters?: { name: string; description?: string; schema: Record<string, unknown> }[];
    returns?: Record<string, unknown>;
  }

  interface DataMarshall {
    handleParameters(fn: TransactionDescriptor, parameters: Buffer[], loggerPrefix: string): unknown[];
    toWireBuffer(result: unknown, schema: unknown, loggerPrefix: string): Buffer | undefined;
  }

  interface ContractImplementation {
    name: string;
    contractInstance: Omit<Contract, 'createContext'> & {
      createContext(): Context & { setChaincodeStub(stub: unknown): void; setClientIdentity(identity: unknown): void };
      aroundTransaction(ctx: Context, fn: string, parameters: unknown[]): Promise<unknown>;
      afterTransaction(ctx: Context, result: unknown): Promise<void>;
    };
    dataMarshall: DataMarshall;
  }

  class ChaincodeFromContract {
    public constructor(
      contractClasses: (new () => Contract)[],
      serializers: { transaction: string; serializers: Record<string, unknown> },
      metadata?: Record<string, unknown>,
      title?: string,
      version?: string,
    );
    public contractImplementations: Record<string, ContractImplementation | undefined>;
    public metadata: {
      contracts: Record<string, { name: string; transactions: TransactionDescriptor[] }>;
      components: { schemas: Record<string, unknown> };
    };
  }

  export = ChaincodeFromContract;
}
