import { Contract, type Context } from 'fabric-contract-api';
import { notFound } from './errors';

/** Base of every MedRec contract: unknown transaction names fail with a structured error like everything else. */
export abstract class MedRecContract extends Contract {
  public override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(notFound(`transaction ${fcn} does not exist; see org.hyperledger.fabric:GetMetadata`));
  }
}
