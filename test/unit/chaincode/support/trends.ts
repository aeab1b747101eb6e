import { expect } from 'chai';
import { call } from './client';
import { orgPki } from './certs';
import { endorse, type Endorser } from './endorsement';
import { identity, type FakePeer } from './fake-peer';
import { claimAndPay } from './incentive';
import { RES, freshPeer, who } from './world';

/** Identities the seeded world lacks: a second researcher and a gatekeeper of the research organisation. */
export const r2 = identity(RES, 'researcher', 'r2');
export const gkR = identity(RES, 'gatekeeper', 'gkR');

const resPeer: Endorser = { mspId: RES, ...orgPki(RES).peer };

/** A fresh copy of the seeded world prepared by prepareTrends. */
export async function trendWorld(credits?: number): Promise<FakePeer> {
  const { peer } = await freshPeer();
  await prepareTrends(peer, credits);
  return peer;
}

/**
 * Registers r2 and gkR; with `credits`, puts the incentive schedule in effect (initialReward = credits) and has the
 * research organisation claim one endorsement, attested by both hospitals, so that ResearchMSP holds exactly `credits`.
 */
export async function prepareTrends(peer: FakePeer, credits?: number): Promise<void> {
  await call(peer, who.regR, 'Registrar:RegisterParticipant', [
    { participantId: 'r2', role: 'researcher', enrollmentId: 'r2' },
  ]);
  const gatekeeper = await peer.invoke(who.admR, 'Registrar:RegisterParticipant', [
    JSON.stringify({ participantId: 'gkR', role: 'gatekeeper', enrollmentId: 'gkR' }),
  ]);
  expect(gatekeeper.ok, gatekeeper.message).to.equal(true);
  if (credits !== undefined) {
    const schedule = { initialReward: String(credits), halvingInterval: '10' };
    await call(peer, who.adm1, 'Incentive:ProposeSchedule', [schedule]);
    await call(peer, who.adm2, 'Incentive:ProposeSchedule', [schedule]);
    await claimAndPay(peer, who.admR, [endorse(peer.ledger, gatekeeper.txId, resPeer)]);
  }
}

export const CONDITION = { system: 'http://snomed.info/sct', code: '44054006' } as const;
export const OBSERVATION = { system: 'http://loinc.org', code: '4548-4' } as const;

/** A count query over 2029 as one period (one cell without strata). */
export function countQuery(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    statistic: { kind: 'count', concept: CONDITION },
    window: { from: '2029-01-01', to: '2029-12-31', interval: 'total' },
    strata: [],
    epsilonMilli: 1000,
    ...overrides,
  };
}

/** A mean query, values clamped to [10, 200], over 2029 as one period. */
export function meanQuery(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return countQuery({ statistic: { kind: 'mean', concept: OBSERVATION, lower: 10, upper: 200 }, ...overrides });
}

export function suppressed(strata: string[], period = 0): Record<string, unknown> {
  return { period, strata, suppressed: true };
}

export function counted(
  strata: string[],
  count: number,
  countHalfWidth: number,
  sums?: [number, number],
  period = 0,
): Record<string, unknown> {
  return {
    period,
    strata,
    suppressed: false,
    count: String(count),
    countHalfWidth,
    ...(sums === undefined ? {} : { sum: String(sums[0]), sumHalfWidth: sums[1] }),
  };
}

export function answer(
  queryId: string,
  cells: Record<string, unknown>[],
  scales: { countScale?: string; sumScale?: string } = {},
): Record<string, unknown> {
  return { queryId, cells, mechanism: 'discrete-laplace', countScale: '1/1', ...scales };
}

export interface Query {
  queryId: string;
  custodians: string[];
  price: string;
  deadline: string;
  submittedAt: string;
  status: string;
  periods: number;
  k: number;
  researcherId: string;
  researcherMsp: string;
}

export interface ResultCell {
  period: number;
  strata: string[];
  suppressedBy: string[];
  count: string | null;
  countInterval: [string, string] | null;
  mean?: string | null;
  meanInterval?: [string, string] | null;
}

export interface Result {
  queryId: string;
  answeredBy: string[];
  missing: string[];
  confidence: string;
  cells: ResultCell[];
  reason: string;
  combinedAt: string;
}

export async function balance(peer: FakePeer, mspId: string): Promise<string> {
  const view = await call<{ amount: string }>(peer, who.p1, 'Incentive:GetBalance', [{ kind: 'organisation', mspId }]);
  return view.amount;
}
