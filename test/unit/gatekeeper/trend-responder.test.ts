import { expect } from 'chai';
import type { TrendAnswerInput } from '../../../contract/src';
import {
  startTrendResponder,
  type TrendLedger,
  type TrendOutcome,
} from '../../../gatekeeper/src/trends/trend-responder';
import type { DemographicsPage, RecordPage } from '../../../gatekeeper/src/store';
import { ChaincodeError, NetworkUnavailableError } from '../../../sdk/src/errors';
import type { MedrecEvent } from '../../../sdk/src/event-stream';
import type { TrendQuery } from '../../../sdk/src/chaincode-types';
import { seededRandomSource } from './support/seeded-random-source';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const NOW = Date.parse('2026-03-20T12:00:00Z');

function query(queryId: string, change: Partial<TrendQuery> = {}): TrendQuery {
  return {
    queryId,
    spec: {
      statistic: { kind: 'count', concept: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11' } },
      window: { from: '2026-03-02', to: '2026-03-15', interval: 'week' },
      strata: [],
      epsilonMilli: 1000,
    },
    researcherId: 'res-1',
    researcherMsp: 'ResearchMSP',
    custodians: [H1, H2],
    price: '12',
    k: 10,
    periods: 2,
    submittedAt: '2026-03-20T11:59:00.000Z',
    deadline: '2026-03-20T12:04:00.000Z',
    status: 'open',
    txId: queryId,
    ...change,
  };
}

const id = (c: string): string => c.repeat(64);

interface Fake {
  readonly ledger: TrendLedger;
  readonly answers: TrendAnswerInput[];
  optOutPages: number;
}

function fakeLedger(queries: Record<string, TrendQuery>, submit?: () => Promise<never>): Fake {
  const fake: Fake = {
    answers: [],
    optOutPages: 0,
    ledger: {
      getTrendQuery: (queryId) => {
        const found = queries[queryId];
        return found === undefined
          ? Promise.reject(new ChaincodeError({ code: 'MEDREC_NOT_FOUND', message: `no query ${queryId}` }))
          : Promise.resolve(found);
      },
      submitTrendAnswer: (answer) => {
        if (submit !== undefined) return submit();
        fake.answers.push(answer as TrendAnswerInput);
        return Promise.resolve({ value: {} as never, transactionId: id('f') });
      },
      listResearchOptOuts: (page) => {
        fake.optOutPages += 1;
        // Two pages: the responder must follow the bookmark.
        return Promise.resolve(
          page?.bookmark === undefined
            ? {
                items: [
                  {
                    patientId: 'p-out',
                    optedOut: true,
                    updatedBy: 'p-out',
                    updatedAt: '2026-03-01T00:00:00.000Z',
                    txId: id('1'),
                  },
                ],
                bookmark: 'next',
              }
            : { items: [], bookmark: '' },
        );
      },
    },
  };
  return fake;
}

const record = (recordId: string, patientId: string): RecordPage['records'][number] => ({
  recordId,
  patientId,
  category: 'condition',
  contentHash: 'a'.repeat(64),
  authorId: 'doc',
  registered: true,
  registrationTxId: id('2'),
  supersedes: undefined,
  storedAt: new Date('2026-03-03T00:00:00Z'),
  resourceJson: JSON.stringify({
    resourceType: 'Condition',
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11' }] },
    subject: { reference: `Patient/${patientId}` },
    onsetDateTime: '2026-03-03',
  }),
});

const demographicsReads: (string | undefined)[] = [];
const store = {
  listRegistered: (options?: { cursor?: string }): Promise<RecordPage> =>
    Promise.resolve(
      options?.cursor === undefined
        ? { records: [record('r1', 'p1'), record('r2', 'p-out')], nextCursor: '2' }
        : { records: [record('r3', 'p3')], nextCursor: undefined },
    ),
  // Two pages: p1 and p3 are women (p3 on the second page), the opted-out patient a man.
  listDemographics: (options?: { cursor?: string }): Promise<DemographicsPage> => {
    demographicsReads.push(options?.cursor);
    return Promise.resolve(
      options?.cursor === undefined
        ? {
            items: [
              { patientId: 'p-out', birthDate: '1970-01-01', sex: 'male' as const },
              { patientId: 'p1', birthDate: '1980-05-05', sex: 'female' as const },
            ],
            nextCursor: 'p1',
          }
        : { items: [{ patientId: 'p3', birthDate: undefined, sex: 'female' as const }], nextCursor: undefined },
    );
  },
};

/** An event source that delivers the given events once, then ends (or fails) like a peer's stream. */
interface EventSource {
  count(): number;
  subscribe: Parameters<typeof startTrendResponder>[0]['subscribe'];
}

function events(batches: MedrecEvent[][], failFirst = false): EventSource {
  let subscriptions = 0;
  return {
    count: () => subscriptions,
    subscribe: async (handler: (e: MedrecEvent) => Promise<void>) => {
      subscriptions += 1;
      const batch = batches.shift() ?? [];
      const done = (async () => {
        if (failFirst && subscriptions === 1) throw new Error('stream broke');
        for (const event of batch) await handler(event);
        await new Promise(() => undefined); // stays open, like a live stream
      })();
      return Promise.resolve({ done, close: () => undefined });
    },
  };
}

/** A chaincode event as filtered blocks deliver it: a name and its transaction's id, no payload. */
const event = (name: string, transactionId: string): MedrecEvent => ({
  name,
  transactionId,
  blockNumber: 5n,
  payload: {},
});

function responderWith(
  fake: Fake,
  source = events([]),
  watched: [string, string][] = [],
): { responder: ReturnType<typeof startTrendResponder>; outcomes: TrendOutcome[] } {
  const outcomes: TrendOutcome[] = [];
  const responder = startTrendResponder({
    mspId: H1,
    ledger: fake.ledger,
    store,
    closer: { watch: (queryId, deadline) => watched.push([queryId, deadline]) },
    subscribe: source.subscribe,
    rng: seededRandomSource('responder'),
    now: () => NOW,
    onOutcome: (o) => outcomes.push(o),
    retryDelayMs: 1,
  });
  return { responder, outcomes };
}

describe('trend responder (the custodian answers queries from its own store)', function () {
  it('answers an open query it is asked, reading every page of its records and of the opt-outs', async function () {
    const fake = fakeLedger({ [id('a')]: query(id('a')) });
    const { responder } = responderWith(fake);
    const outcome = await responder.answer(id('a'));
    responder.close();
    expect(outcome).to.include({ outcome: 'answered', cells: 2 });
    expect(fake.optOutPages).to.equal(2);
    expect(fake.answers).to.have.length(1);
    const [answer] = fake.answers;
    expect(answer?.queryId).to.equal(id('a'));
    expect(answer?.countScale).to.equal('1/1');
  });

  it('does not answer a query it is not asked, a closed one, or one past its deadline', async function () {
    const fake = fakeLedger({
      [id('b')]: query(id('b'), { custodians: [H2] }),
      [id('c')]: query(id('c'), { status: 'combined' }),
      [id('d')]: query(id('d'), { deadline: '2026-03-20T11:00:00.000Z' }),
    });
    const watched: [string, string][] = [];
    const { responder } = responderWith(fake, events([]), watched);
    for (const q of ['b', 'c', 'd']) expect((await responder.answer(id(q))).outcome).to.equal('skipped');
    responder.close();
    expect(fake.answers).to.deep.equal([]);
    // Only the open query it is asked goes to the deadline closer: past its deadline, it still needs combining.
    expect(watched).to.deep.equal([[id('d'), '2026-03-20T11:00:00.000Z']]);
  });

  it('puts each patient in the sex stratum its own demographics give, reading them only for such strata', async function () {
    const stratified = query(id('s'), { k: 2, spec: { ...query(id('s')).spec, strata: ['sex'] } });
    const fake = fakeLedger({ [id('s')]: stratified, [id('a')]: query(id('a')) });
    const { responder } = responderWith(fake);
    demographicsReads.length = 0;
    expect((await responder.answer(id('a'))).outcome).to.equal('answered');
    expect(demographicsReads, 'not read for a query without age or sex').to.deep.equal([]);
    expect((await responder.answer(id('s'))).outcome).to.equal('answered');
    responder.close();
    expect(demographicsReads, 'every page read').to.deep.equal([undefined, 'p1']);
    // p1 and p3 are women: 2 patients, at least k = 2, so that cell alone is answered (in the first week, where
    // their findings are); the opted-out
    // man is left out, so 'male' is suppressed, as are 'other' and 'unknown' (without demographics, both would be
    // 'unknown' and that cell would be the one answered).
    const answered = (fake.answers.at(-1)?.cells ?? []).filter((c) => !c.suppressed).map((c) => c.strata);
    expect(answered).to.deep.equal([['female']]);
  });

  it('hands each open query it is asked to the deadline closer, with the deadline the ledger gives', async function () {
    const fake = fakeLedger({ [id('a')]: query(id('a')) });
    const watched: [string, string][] = [];
    const { responder } = responderWith(fake, events([]), watched);
    expect((await responder.answer(id('a'))).outcome).to.equal('answered');
    responder.close();
    expect(watched).to.deep.equal([[id('a'), '2026-03-20T12:04:00.000Z']]);
  });

  it('counts an answer the ledger already has as done, but lets a network failure through for a retry', async function () {
    const already = fakeLedger({ [id('e')]: query(id('e')) }, () =>
      Promise.reject(new ChaincodeError({ code: 'MEDREC_ALREADY_ANSWERED', message: 'answered' })),
    );
    const first = responderWith(already);
    expect((await first.responder.answer(id('e'))).outcome).to.equal('skipped');
    first.responder.close();
    // Any refusal is final for its query (an answer the ledger will not take is not retried forever).
    const refused = fakeLedger({ [id('e')]: query(id('e')) }, () =>
      Promise.reject(new ChaincodeError({ code: 'MEDREC_INVALID_ARGUMENT', message: 'under-noised' })),
    );
    const third = responderWith(refused);
    const outcome = await third.responder.answer(id('e'));
    third.responder.close();
    expect(outcome).to.deep.include({ outcome: 'skipped', reason: 'MEDREC_INVALID_ARGUMENT: under-noised' });
    const down = fakeLedger({ [id('e')]: query(id('e')) }, () =>
      Promise.reject(new NetworkUnavailableError({ message: 'peer down' })),
    );
    const second = responderWith(down);
    const err = await second.responder.answer(id('e')).catch((e: unknown) => e);
    second.responder.close();
    expect(err).to.be.instanceOf(NetworkUnavailableError);
  });

  it('follows trend-query events only, and subscribes again after the stream fails', async function () {
    const fake = fakeLedger({ [id('a')]: query(id('a')) });
    const source = events([[], [event('record-registered', id('a')), event('trend-query', id('a'))]], true);
    const { responder, outcomes } = responderWith(fake, source);
    for (let i = 0; i < 100 && outcomes.length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    responder.close();
    expect(source.count()).to.equal(2);
    expect(outcomes.map((o) => o.outcome)).to.deep.equal(['answered']);
    expect(fake.answers).to.have.length(1);
  });
});
