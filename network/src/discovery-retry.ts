import { ChaincodeError } from '@medrec/sdk';

/**
 * Right after peers (re)start, service discovery may briefly know too few peers to satisfy MAJORITY
 * ("no combination of peers can be derived"). Such failures are retried for a minute; a chaincode refusal
 * (ChaincodeError) is definitive and is not.
 */
export async function untilDiscoverySettles<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ChaincodeError || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
