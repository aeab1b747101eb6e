import crypto from 'node:crypto';
import { expect } from 'chai';
import type { RecordInput, RecordPointer } from '../../../sdk/src/chaincode-types';
import { ChaincodeError, NetworkUnavailableError } from '../../../sdk/src/errors';
import { createCustodian } from '../../../sdk/src/gatekeeper/custodian';
import type { MedrecClient, Submitted } from '../../../sdk/src/medrec-client';
import { createSqliteRecordStore } from '../../../sdk/src/store/sqlite-record-store';
import type { RecordStore } from '../../../sdk/src/store/record-store';
import { examples } from '../fhir/support/examples';

/** A Fabric-shaped transaction id derived from the record id. */
const txIdOf = (recordId: string): string => crypto.createHash('sha256').update(recordId).digest('hex');

/** A ledger that registers records, except those it is told to refuse (or to fail on, like a network error). */
function fakeLedger(behaviour: (input: RecordInput) => 'ok' | 'refuse' | 'unavailable'): MedrecClient {
  const registerRecord = (input: RecordInput): Promise<Submitted<RecordPointer>> => {
    const outcome = behaviour(input);
    if (outcome === 'refuse') {
      return Promise.reject(
        new ChaincodeError({ code: 'MEDREC_INVALID_ARGUMENT', message: 'record.category: invalid' }),
      );
    }
    if (outcome === 'unavailable') return Promise.reject(new NetworkUnavailableError({ message: 'peers down' }));
    const pointer: RecordPointer = {
      ...input,
      custodianMsp: 'Hospital1MSP',
      version: 1,
      supersedes: null,
      supersededBy: null,
      registeredBy: 'doc-1',
      registeredAt: '2030-01-01T00:00:00.000Z',
      txId: txIdOf(input.recordId),
    };
    return Promise.resolve({ value: pointer, transactionId: txIdOf(input.recordId) });
  };
  return { registerRecord } as unknown as MedrecClient;
}

describe('custodian write path', function () {
  let store: RecordStore;
  beforeEach(async function () {
    store = await createSqliteRecordStore({ path: ':memory:' });
  });
  afterEach(async function () {
    await store.close();
  });

  it('stores first and marks registered with the chain transaction id', async function () {
    const custodian = createCustodian({ store, mspId: 'Hospital1MSP' });
    const [resource] = examples('pat-1');
    const { pointer } = await custodian.storeAndRegister(
      fakeLedger(() => 'ok'),
      resource,
      { recordId: 'rec-a' },
    );
    expect(pointer.locator).to.equal('medrec-gatekeeper:Hospital1MSP/rec-a');
    expect(await store.get('rec-a')).to.include({ registered: true, registrationTxId: txIdOf('rec-a') });
  });

  it('leaves the record unregistered when the chain write fails, and completes it on retry', async function () {
    const custodian = createCustodian({ store, mspId: 'Hospital1MSP' });
    const [resource] = examples('pat-1');
    const err = await custodian
      .storeAndRegister(
        fakeLedger(() => 'unavailable'),
        resource,
        { recordId: 'rec-b' },
      )
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NetworkUnavailableError);
    expect((await store.get('rec-b'))?.registered).to.equal(false);
    expect(await custodian.completePending(fakeLedger(() => 'ok'))).to.deep.equal({ completed: 1, refused: [] });
    expect((await store.get('rec-b'))?.registered).to.equal(true);
  });

  it('skips and reports records the ledger refuses for good, completing the others', async function () {
    const custodian = createCustodian({ store, mspId: 'Hospital1MSP' });
    const resources = examples('pat-2').slice(0, 3);
    for (const [i, resource] of resources.entries()) {
      await custodian
        .storeAndRegister(
          fakeLedger(() => 'unavailable'),
          resource,
          { recordId: `rec-${i}` },
        )
        .catch(() => undefined);
    }
    const result = await custodian.completePending(
      fakeLedger((input) => (input.recordId === 'rec-0' ? 'refuse' : 'ok')),
    );
    expect(result.completed).to.equal(2);
    expect(result.refused).to.deep.equal([
      { recordId: 'rec-0', code: 'MEDREC_INVALID_ARGUMENT', message: 'record.category: invalid' },
    ]);
    expect((await store.get('rec-0'))?.registered).to.equal(false);
  });

  it('stops (without marking anything) when the network fails during a retry run', async function () {
    const custodian = createCustodian({ store, mspId: 'Hospital1MSP' });
    const [resource] = examples('pat-3');
    await custodian
      .storeAndRegister(
        fakeLedger(() => 'unavailable'),
        resource,
        { recordId: 'rec-x' },
      )
      .catch(() => undefined);
    const err = await custodian.completePending(fakeLedger(() => 'unavailable')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NetworkUnavailableError);
    expect((await store.get('rec-x'))?.registered).to.equal(false);
  });
});
