import { expect } from 'chai';

/** Awaits `promise`, asserts it rejected with an instance of `errorClass`, and returns the error for further checks. */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
): Promise<E> {
  let outcome: { settled: 'resolved'; value: unknown } | { settled: 'rejected'; error: unknown };
  try {
    outcome = { settled: 'resolved', value: await promise };
  } catch (error) {
    outcome = { settled: 'rejected', error };
  }
  if (outcome.settled === 'resolved') {
    expect.fail(`expected a rejection with ${errorClass.name}, but it resolved with ${JSON.stringify(outcome.value)}`);
  }
  expect(outcome.error).to.be.instanceOf(errorClass);
  return outcome.error as E;
}

/** Calls `action`, asserts it threw an instance of `errorClass`, and returns the error for further checks. */
export function thrownBy<E extends Error>(action: () => unknown, errorClass: abstract new (...args: never[]) => E): E {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(errorClass);
    return error as E;
  }
  return expect.fail(`expected ${errorClass.name} to be thrown, but nothing was thrown`);
}
