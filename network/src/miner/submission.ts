import { ChaincodeError, TransactionInvalidError } from '@medrec/sdk';

/** The MedRec code (`MEDREC_...`) a failed call carries, if the chaincode refused it. */
export function medrecCodeOf(err: unknown): string | undefined {
  return err instanceof ChaincodeError ? err.code : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `submit` until it succeeds, retrying with randomised exponential back-off (0.25 s doubling up to 4 s, ±50 %)
 * while the failure is transient: an invalidated transaction (MVCC conflicts between concurrent miners on the keys
 * they share), a failure without a chaincode code (network, endorsers disagreeing), or a code `alsoTransient`
 * accepts. Any other refusal is final and thrown at once, as is the last failure after `attempts`.
 */
export async function withRetries<T>(
  attempts: number,
  submit: () => Promise<T>,
  alsoTransient: (code: string) => boolean = () => false,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await submit();
    } catch (err) {
      const code = medrecCodeOf(err);
      const transient = err instanceof TransactionInvalidError || code === undefined || alsoTransient(code);
      if (!transient || attempt >= attempts) throw err;
      await sleep(Math.min(250 * 2 ** Math.min(attempt, 4), 4000) * (0.5 + Math.random()));
    }
  }
}

/**
 * Submits a batch; when the chaincode refuses the whole batch with a code `final` accepts (one item can never
 * succeed, or is already done), submits its items one by one so that the others still land, and hands each item
 * refused for good to `refusedOne`. Any other failure is thrown.
 */
export async function submitBatch<I>(
  batch: readonly I[],
  submit: (items: readonly I[]) => Promise<void>,
  final: (code: string) => boolean,
  refusedOne: (item: I, code: string) => void,
): Promise<void> {
  const finalCodeOf = (err: unknown): string => {
    const code = medrecCodeOf(err);
    if (code === undefined || !final(code)) throw err;
    return code;
  };
  try {
    await submit(batch);
  } catch (err) {
    const code = finalCodeOf(err);
    const [only] = batch;
    if (batch.length === 1 && only !== undefined) {
      refusedOne(only, code);
      return;
    }
    for (const one of batch) {
      try {
        await submit([one]);
      } catch (oneErr) {
        refusedOne(one, finalCodeOf(oneErr));
      }
    }
  }
}
