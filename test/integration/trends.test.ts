/**
 * Trend analysis on the running network: a researcher of the research institute pays credits its peer earned by
 * endorsing, both hospitals' responders answer from their own stores with exact discrete noise, the chaincode combines
 * the answers. Noise is real here (the gatekeepers use a CSPRNG), so every assertion about a noisy number leaves a
 * margin whose failure probability is below 1e-4 (the scales are stated in each test).
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { TrendQuery, TrendResult } from '../../sdk/src/chaincode-types';
import { initializeIncentives } from '../../network/src/incentive';
import { runMiner } from '../../network/src/miner';
import { createMedrecClient } from '../../sdk/src/medrec-client';
import { send } from '../unit/api/support/conformance';
import { DEFAULT_TREND_SETTINGS } from '../../contract/src/trends';
import { adminToken, admit, api, bearer, register, type Registered } from './support/rest-api';
import { consortium } from './support/shared-network';
import { recordStoreConfig, startGatekeeper, stopGatekeeper } from '../../network/src/gatekeeper-process';
import { startMiners, stopMiners } from '../../network/src/miner-process';
import { openRecordStore } from '../../gatekeeper/src';
import { organisation, peerAddressList, peerOf } from '../../network/src/topology';
import {
  MSP_ID,
  chaincodeFailureOf,
  closeAll,
  enrol,
  enrollmentIdOf,
  failureOf,
  submit,
  type Actor,
} from './support/medrec-client';

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';

/** A code no other test uses, so that only this suite's records match (codes are free text to the query). */
const freshCode = (): string => `Z${crypto.randomBytes(4).toString('hex')}`;

function conditionWith(patientId: string, code: string): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: ICD, code, display: 'trend test finding' }] },
    subject: { reference: `Patient/${patientId}` },
    onsetDateTime: '2026-11-10',
  };
}

/** A LOINC observation of `code` with a value in ug/dL, for the mean and quantile queries. */
function observationWith(patientId: string, code: string, time: string, value: number): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code, display: 'trend test observation' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: time,
    valueQuantity: { value, unit: 'ug/dL' },
  };
}

async function addRecord(clinician: Registered, patientId: string, resource: Record<string, unknown>): Promise<void> {
  const res = await send(
    api('hospital1')
      .post(`/v1/patients/${patientId}/records`)
      .set(...bearer(clinician.token))
      .send(resource),
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
}

/**
 * The research institute earns credits: its miner claims its peer's endorsements of the latest blocks, and the
 * hospitals' miners attest those claims from their own peers' blocks (a claim pays only once a majority of the other
 * organisations attest it: with three organisations, both hospitals).
 */
async function earnCredits(): Promise<void> {
  await initializeIncentives(consortium());
  const admin = consortium().connectAdmin('research');
  try {
    const client = createMedrecClient(admin.gateway);
    const height = BigInt(await client.channelHeight());
    await runMiner(consortium(), {
      org: 'research',
      checkpointFile: `${consortium().layout.home}/trend-test-miner-${crypto.randomUUID()}.json`,
      startBlock: height > 40n ? height - 40n : 0n,
      untilHeight: height,
      renderer: 'silent',
    });
    // Each hospital's miner reads only the last block (its own peer then holds every claim research made) and ends
    // with its pass over the pending claims; the second attestation pays them.
    const now = BigInt(await client.channelHeight());
    for (const org of ['hospital1', 'hospital2'] as const) {
      await runMiner(consortium(), {
        org,
        checkpointFile: `${consortium().layout.home}/trend-test-miner-${crypto.randomUUID()}.json`,
        startBlock: now - 1n,
        untilHeight: now,
        renderer: 'silent',
      });
    }
  } finally {
    admin.close();
  }
}

function countQuery(code: string, epsilonMilli: number): Record<string, unknown> {
  return {
    statistic: { kind: 'count', concept: { system: ICD, code } },
    window: { from: '2026-11-09', to: '2026-11-15', interval: 'total' },
    epsilonMilli,
  };
}

async function submitQuery(researcher: Registered, body: Record<string, unknown>): Promise<TrendQuery> {
  const res = await send(
    api('research')
      .post('/v1/trends/queries')
      .set(...bearer(researcher.token))
      .send(body),
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return (res.body as { query: TrendQuery }).query;
}

async function resultOf(researcher: Registered, queryId: string): Promise<TrendResult> {
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const res = await send(
      api('research')
        .get(`/v1/trends/queries/${queryId}/result`)
        .set(...bearer(researcher.token)),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const body = res.body as { status: string; result: TrendResult | null };
    if (body.status === 'combined' && body.result !== null) return body.result;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`query ${queryId} was not combined within a minute: are the gatekeepers' responders running?`);
}

describe('trend analysis on the network', function () {
  let researcher: Registered;
  let clinician: Registered;
  const codeA = freshCode();
  const codeB = freshCode();
  const patients: Registered[] = [];

  before(async function () {
    this.timeout(600_000);
    await earnCredits();
    researcher = await register('research', 'researcher');
    clinician = await register('hospital1', 'clinician');
    // 14 patients with finding A, the first 10 of them also with finding B; patients 9 and 10 opt out.
    for (let i = 0; i < 14; i += 1) {
      const patient = await register('hospital1', 'patient');
      await admit('hospital1', patient.participantId);
      patients.push(patient);
    }
    await Promise.all(
      patients.map(async (patient, i) => {
        await addRecord(clinician, patient.participantId, conditionWith(patient.participantId, codeA));
        if (i < 10) await addRecord(clinician, patient.participantId, conditionWith(patient.participantId, codeB));
      }),
    );
    // Hospital1's registration desk: patients 0-11 are women born in 1980, 12 and 13 men born in 2015 (its store
    // only; the sex and age band strata read them there).
    const store = await openRecordStore(
      recordStoreConfig(consortium().layout, peerOf(consortium().topology, 'hospital1')),
    );
    try {
      for (const [i, patient] of patients.entries()) {
        await store.putDemographics({
          patientId: patient.participantId,
          birthDate: i < 12 ? '1980-06-01' : '2015-06-01',
          sex: i < 12 ? 'female' : 'male',
        });
      }
    } finally {
      await store.close();
    }
    for (const patient of patients.slice(8, 10)) {
      const res = await send(
        api('hospital1')
          .put(`/v1/patients/${patient.participantId}/research-choice`)
          .set(...bearer(patient.token))
          .send({ optedOut: true }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
  });

  it('shows the researcher the budget, the credits and the settings before a query', async function () {
    const res = await send(
      api('research')
        .get('/v1/trends/account')
        .set(...bearer(researcher.token)),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const body = res.body as { budget: { spentMilli: number; budgetMilli: number }; balance: { amount: string } };
    expect(body.budget.spentMilli).to.equal(0);
    expect(BigInt(body.balance.amount) > 100n, `research credits ${body.balance.amount}`).to.equal(true);
  });

  it('answers and combines a count from both hospitals; opted-out patients are left out; the budget runs out', async function () {
    // Count scale 1000/5000 = 1/5: P(|noise| >= 2) < 1e-4, so 12 is never suppressed (k = 10) and 8 always is.
    const queryA = await submitQuery(researcher, countQuery(codeA, 5000));
    expect(queryA.custodians).to.include.members(['Hospital1MSP', 'Hospital2MSP']);
    const resultA = await resultOf(researcher, queryA.queryId);
    expect(resultA.reason).to.equal('all-answered');
    expect(resultA.answeredBy).to.include.members(queryA.custodians);
    expect(resultA.missing).to.deep.equal([]);
    const [cellA] = resultA.cells;
    // Hospital2 holds none of these patients: its cell is suppressed; hospital1's 12 (14 minus 2 opted out) count.
    expect(cellA?.suppressedBy).to.deep.equal(['Hospital2MSP']);
    expect(Math.abs(Number(cellA?.count) - 12)).to.be.at.most(1);
    // The interval is a 95 % one (here of half-width 0): it holds the truth up to the same one-unit margin.
    const [low = NaN, high = NaN] = (cellA?.countInterval ?? []).map(Number);
    expect(low).to.be.at.most(13);
    expect(high).to.be.at.least(11);

    // Finding B: 10 patients, 2 of whom opted out, so 8 < k at hospital1 too: every custodian suppressed it.
    const queryB = await submitQuery(researcher, countQuery(codeB, 5000));
    const [cellB] = (await resultOf(researcher, queryB.queryId)).cells;
    expect(cellB?.suppressedBy).to.have.members(['Hospital1MSP', 'Hospital2MSP']);
    expect(cellB?.count).to.equal(null);

    // 5000 + 5000 thousandths: the period's whole budget is spent.
    const refused = await send(
      api('research')
        .post('/v1/trends/queries')
        .set(...bearer(researcher.token))
        .send(countQuery(codeA, 1)),
    );
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect((refused.body as { code: string }).code).to.equal('MEDREC_BUDGET_EXHAUSTED');
  });

  it("stratifies by sex and age band from each custodian's own demographics", async function () {
    const stratifier = await register('research', 'researcher');
    const query = await submitQuery(stratifier, { ...countQuery(codeA, 5000), strata: ['sex', 'ageBand'] });
    const result = await resultOf(stratifier, query.queryId);
    // 12 women of 46 less the 2 who opted out: 10, exactly k, so answered (count scale 1/5: within ±1 at 1 - 1e-4);
    // the 2 boys are below k, suppressed like every other cell; hospital2 suppresses all of its own.
    const answered = result.cells.filter((cell) => cell.count !== null);
    expect(answered.map((cell) => cell.strata)).to.deep.equal([['female', '40-64']]);
    expect(Math.abs(Number(answered[0]?.count) - 10)).to.be.at.most(1);
    const boys = result.cells.find((cell) => cell.strata.join('|') === 'male|0-17');
    expect(boys?.suppressedBy).to.have.members([MSP_ID.hospital1, MSP_ID.hospital2]);
    expect(result.cells).to.have.length(4 * 5);
  });

  it('combines a mean of an observation with clamping bounds into an estimate and its interval', async function () {
    const code = `9${crypto.randomInt(100_000, 999_999).toString()}-1`;
    const meanResearcher = await register('research', 'researcher');
    // Hospital1's 12 patients who did not opt out have 100 ug/dL; the 2 who did have 300 (left out).
    await Promise.all(
      patients.map((patient, i) =>
        addRecord(
          clinician,
          patient.participantId,
          observationWith(patient.participantId, code, '2026-11-11T09:00:00Z', i === 8 || i === 9 ? 300 : 100),
        ),
      ),
    );
    const query = await submitQuery(meanResearcher, {
      statistic: { kind: 'mean', concept: { system: 'http://loinc.org', code }, lower: 0, upper: 300 },
      window: { from: '2026-11-09', to: '2026-11-15', interval: 'total' },
      epsilonMilli: 10_000,
    });
    const [cell] = (await resultOf(meanResearcher, query.queryId)).cells;
    // Count scale 1/5 and sum scale 60: the sum moves by more than 553 with probability below 1e-4, the count by 2.
    expect(cell?.suppressedBy).to.deep.equal(['Hospital2MSP']);
    const mean = Number(cell?.mean);
    expect(mean).to.be.within((1200 - 553) / 14, (1200 + 553) / 10);
    const [low = NaN, high = NaN] = (cell?.meanInterval ?? []).map(Number);
    expect(low).to.be.at.least(0);
    expect(high).to.be.at.most(300);
    expect(low).to.be.at.most(mean);
    expect(high).to.be.at.least(mean);
  });

  it('reads quantiles from the combined noisy histogram, each with an interval around the true bin', async function () {
    const code = `8${crypto.randomInt(100_000, 999_999).toString()}-2`;
    const quantileResearcher = await register('research', 'researcher');
    // Hospital1's patients i = 0..13 have 100 + 10·i ug/dL; 8 and 9 opted out. The 12 values left, in bins of 30 over
    // [0, 300]: bin 3 [90, 120): 100, 110; bin 4: 120-140; bin 5: 150-170; bin 6: 200; bin 7 [210, 240): 210-230.
    await Promise.all(
      patients.map((patient, i) =>
        addRecord(
          clinician,
          patient.participantId,
          observationWith(patient.participantId, code, '2026-11-12T09:00:00Z', 100 + 10 * i),
        ),
      ),
    );
    const query = await submitQuery(quantileResearcher, {
      statistic: {
        kind: 'quantiles',
        concept: { system: 'http://loinc.org', code },
        lower: 0,
        upper: 300,
        bins: 10,
        quantilesMilli: [500, 900],
      },
      window: { from: '2026-11-09', to: '2026-11-15', interval: 'total' },
      epsilonMilli: 10_000,
    });
    const [cell] = (await resultOf(quantileResearcher, query.queryId)).cells;
    // Each bin's noise has scale 1/10: it is non-zero with probability 9e-5, so the histogram is almost surely
    // [0, 0, 0, 2, 3, 3, 1, 3, 0, 0]; one bin off by one moves a quantile by at most a bin, which the bounds allow.
    expect(cell?.suppressedBy).to.deep.equal(['Hospital2MSP']);
    expect(cell?.histogram).to.have.length(10);
    const [median, ninetieth] = cell?.quantiles ?? [];
    expect([median?.probability, ninetieth?.probability]).to.deep.equal(['0.500', '0.900']);
    // Median: 6 of 12 is reached in bin 5 [150, 180), at 5 + 1/3 bins = 160.
    expect(Number(median?.value)).to.be.within(120, 210);
    const [low = NaN, high = NaN] = (median?.interval ?? []).map(Number);
    expect(low).to.be.at.most(Number(median?.value));
    expect(high).to.be.at.least(Number(median?.value));
    expect([low, high]).to.satisfy(([l, h]: number[]) => (l ?? NaN) <= 180 && (h ?? NaN) >= 150);
    // 90th percentile: 10.8 of 12 in bin 7 [210, 240).
    expect(Number(ninetieth?.value)).to.be.within(180, 270);
  });

  it('puts no patient id on the ledger in the blocks of a query and its answers', async function () {
    const other = await register('research', 'researcher');
    const admin = consortium().connectAdmin('research');
    try {
      const client = createMedrecClient(admin.gateway);
      // Nothing else writes meanwhile (the suites run one at a time): these blocks hold the query, the answers and
      // the combination, and nothing that identifies the 14 patients counted.
      const before = await client.channelHeight();
      const query = await submitQuery(other, countQuery(codeA, 100));
      await resultOf(other, query.queryId);
      const after = await client.channelHeight();
      const qscc = admin.gateway.getNetwork('medrec').getContract('qscc');
      const text: string[] = [];
      for (let n = before; n < after; n += 1) {
        const block = await qscc.evaluateTransaction('GetBlockByNumber', 'medrec', String(n));
        text.push(Buffer.from(block).toString('latin1'));
      }
      const blocks = text.join('\n');
      expect(blocks).to.contain(query.queryId);
      expect(blocks).to.contain('SubmitAnswer');
      for (const patient of patients) expect(blocks).to.not.contain(patient.participantId);
    } finally {
      admin.close();
    }
  });

  it('combines at the deadline without a custodian that is down, and takes one answer per custodian', async function () {
    this.timeout(240_000);
    const { layout, topology } = consortium();
    const peer2 = peerOf(topology, 'hospital2');
    const quick = await register('research', 'researcher');
    // A second gatekeeper identity of hospital1: another signer for the same custodian.
    const second: Actor = await enrol('hospital1', 'gatekeeper');
    const admin = consortium().connectAdmin('hospital1');
    await stopGatekeeper(layout, peer2);
    try {
      await submit(
        admin,
        'Registrar:RegisterParticipant',
        JSON.stringify({
          participantId: second.participantId,
          role: 'gatekeeper',
          enrollmentId: enrollmentIdOf(second.connection.identity),
        }),
      );
      // Count scale 1/5 as above: at scale 1, 12 fell below k = 10 (suppressed) in about 4 % of runs.
      const query = await submitQuery(quick, { ...countQuery(codeA, 5000), answerSeconds: 20 });
      // Hospital1's responder answers within seconds. Until then, this answer is refused for its empty grid; after,
      // because hospital1 has answered: a custodian answers once, whoever signs for it.
      const attempt = JSON.stringify({
        queryId: query.queryId,
        cells: [],
        mechanism: 'discrete-laplace',
        countScale: '1/1',
      });
      let code = '';
      for (let tries = 0; tries < 30 && code !== 'MEDREC_ALREADY_ANSWERED'; tries += 1) {
        code = chaincodeFailureOf(
          await failureOf(() => submit(second.connection, 'Trends:SubmitAnswer', attempt)),
        ).code;
        expect(code).to.be.oneOf(['MEDREC_INVALID_ARGUMENT', 'MEDREC_ALREADY_ANSWERED']);
        if (code !== 'MEDREC_ALREADY_ANSWERED') await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(code, 'hospital1 answered within 30 s').to.equal('MEDREC_ALREADY_ANSWERED');
      // Nobody calls CloseQuery here: hospital1's responder closes the query once its deadline has passed.
      const result = await resultOf(quick, query.queryId);
      expect(result.reason).to.equal('deadline');
      expect(result.answeredBy).to.deep.equal([MSP_ID.hospital1]);
      expect(result.missing).to.deep.equal([MSP_ID.hospital2]);
      expect(Date.parse(result.combinedAt)).to.be.at.least(Date.parse(query.deadline));
      // Hospital1's 12 counted patients (count scale 1/5): never suppressed, within 12 ± 1 above 1 - 1e-4.
      // Hospital2 did not answer, so nobody suppressed the cell.
      expect(result.cells[0]?.suppressedBy).to.deep.equal([]);
      expect(Math.abs(Number(result.cells[0]?.count) - 12)).to.be.at.most(1);
    } finally {
      await startGatekeeper(layout, organisation(topology, 'hospital2'), peer2, peerAddressList(topology, 'hospital2'));
      admin.close();
      closeAll([second]);
    }
  });

  it('changes the settings by a majority of organisation admins through REST, and back', async function () {
    const vote = (org: 'hospital1' | 'research', settings: object): ReturnType<typeof send> =>
      send(
        api(org)
          .post('/v1/trends/settings/vote')
          .set(...bearer(adminToken(org)))
          .send(settings),
      );
    const current = (
      await send(
        api('research')
          .get('/v1/trends/settings')
          .set(...bearer(researcher.token)),
      )
    ).body as typeof DEFAULT_TREND_SETTINGS;
    expect(current, 'no suite leaves other settings in effect').to.deep.equal(DEFAULT_TREND_SETTINGS);
    const changed = { ...DEFAULT_TREND_SETTINGS, pricePerCell: '3' };
    try {
      const first = await vote('hospital1', changed);
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect((first.body as { vote: { adopted: boolean; required: number } }).vote).to.deep.include({
        adopted: false,
        required: 2,
      });
      const shown = await send(
        api('research')
          .get('/v1/trends/settings/vote')
          .set(...bearer(researcher.token)),
      );
      const approvals = (shown.body as { approvals: { mspId: string }[] }).approvals.map((a) => a.mspId);
      expect(approvals).to.include(MSP_ID.hospital1);
      const second = await vote('research', changed);
      expect(second.status, JSON.stringify(second.body)).to.equal(200);
      expect((second.body as { vote: { adopted: boolean } }).vote.adopted).to.equal(true);
      const after = await send(
        api('hospital1')
          .get('/v1/trends/settings')
          .set(...bearer(clinician.token)),
      );
      expect(after.body).to.deep.equal(changed);
    } finally {
      // Back to the defaults, by the same majority, so that the other suites see them.
      for (const org of ['hospital1', 'research'] as const) await vote(org, DEFAULT_TREND_SETTINGS);
    }
    const restored = await send(
      api('hospital1')
        .get('/v1/trends/settings')
        .set(...bearer(clinician.token)),
    );
    expect(restored.body).to.deep.equal(DEFAULT_TREND_SETTINGS);
  });

  it("refuses a query its organisation's credits do not cover, and takes nothing", async function () {
    this.timeout(180_000);
    const { layout, topology } = consortium();
    // No miner may pay hospital2 meanwhile: its balance is set aside for the test and given back.
    await stopMiners(layout, topology);
    const admin2 = consortium().connectAdmin('hospital2');
    const admin1 = consortium().connectAdmin('hospital1');
    let setAside = 0n;
    try {
      const client2 = createMedrecClient(admin2.gateway);
      const poor = await register('hospital2', 'researcher');
      const balance = BigInt((await client2.getBalance({ kind: 'organisation', mspId: MSP_ID.hospital2 })).amount);
      // Keep 5 credits: a count query costs at least 11 (10 + 1 per cell).
      setAside = balance > 5n ? balance - 5n : 0n;
      if (setAside > 0n) {
        await client2.transfer({ to: { kind: 'organisation', mspId: MSP_ID.hospital1 }, amount: setAside.toString() });
      }
      const refused = await send(
        api('hospital2')
          .post('/v1/trends/queries')
          .set(...bearer(poor.token))
          .send(countQuery(codeA, 100)),
      );
      expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
      expect((refused.body as { code: string }).code).to.equal('MEDREC_INSUFFICIENT_FUNDS');
      const account = await send(
        api('hospital2')
          .get('/v1/trends/account')
          .set(...bearer(poor.token)),
      );
      const body = account.body as { budget: { spentMilli: number }; balance: { amount: string } };
      expect(body.budget.spentMilli, 'no epsilon spent on a refused query').to.equal(0);
      expect(body.balance.amount).to.equal((balance - setAside).toString());
    } finally {
      if (setAside > 0n) {
        await createMedrecClient(admin1.gateway).transfer({
          to: { kind: 'organisation', mspId: MSP_ID.hospital2 },
          amount: setAside.toString(),
        });
      }
      admin1.close();
      admin2.close();
      startMiners(layout, topology);
    }
  });

  it('refuses a query to a clinician, and a result to another researcher', async function () {
    const res = await send(
      api('hospital1')
        .post('/v1/trends/queries')
        .set(...bearer(clinician.token))
        .send(countQuery(codeA, 100)),
    );
    expect(res.status).to.equal(403);
    const owner = await register('research', 'researcher');
    const mine = await submitQuery(owner, countQuery(codeA, 100));
    const stranger = await register('research', 'researcher');
    const peek = await send(
      api('research')
        .get(`/v1/trends/queries/${mine.queryId}/result`)
        .set(...bearer(stranger.token)),
    );
    expect(peek.status).to.equal(403);
  });
});
