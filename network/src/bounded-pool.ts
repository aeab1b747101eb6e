/**
 * Runs `work` on every item with at most `limit` calls in flight, and resolves with the results in the items' order.
 *
 * On the first rejection no further item is started, and the run rejects with that first error once the calls already
 * in flight have settled (later errors among them are dropped). Waiting for them matters: callers close the
 * connections and stores the work uses as soon as the run ends, which must not happen under work still running.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a whole number from 1, not ${String(limit)}`);
  }
  const results: R[] = [];
  const queue = items.entries();
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    // One shared iterator: each item is taken by exactly one worker, in order; none is taken after a failure.
    while (errors.length === 0) {
      const next = queue.next();
      if (next.done === true) return;
      const [index, item] = next.value;
      try {
        results[index] = await work(item, index);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  // The first error to happen (in time: not necessarily that of the earliest failing item).
  if (errors.length > 0) throw errors[0];
  return results;
}
