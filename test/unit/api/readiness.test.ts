/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are `any` in supertest; send() has already checked each one against its OpenAPI schema */
import { expect } from 'chai';
import {
  createReadinessProbe,
  peerCheck,
  recordStoreCheck,
  type DependencyCheck,
} from '../../../api/src/adapters/readiness-probe';
import { send } from './support/conformance';
import { createHarness } from './support/harness';
import { USERS } from './support/harness';

/** A check that answers as `answer` says, counting its runs. */
function check(name: string, answer: () => Promise<string | undefined>): DependencyCheck & { runs: number } {
  const counted = {
    name,
    runs: 0,
    failure: `${name} is down; look at it`,
    run: () => {
      counted.runs++;
      return answer();
    },
  };
  return counted;
}

const ok = (): Promise<undefined> => Promise.resolve(undefined);
const down = (): Promise<never> => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:7051'));

describe('api: /healthz readiness checks', () => {
  it('answers 200 when the peer, the gatekeeper and the record store all answer', async () => {
    const probe = createReadinessProbe([
      check('peer', () => Promise.resolve('channel height 7')),
      check('gatekeeper', ok),
      check('record-store', ok),
    ]);
    const h = createHarness({ readiness: probe });
    const res = await send(h.http.get('/healthz'));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'ok',
      checks: [
        { name: 'peer', ok: true, detail: 'channel height 7' },
        { name: 'gatekeeper', ok: true },
        { name: 'record-store', ok: true },
      ],
    });
    h.close();
  });

  for (const failing of ['peer', 'gatekeeper', 'record-store']) {
    it(`answers 503 naming the ${failing} check when it fails, without the error's text`, async () => {
      const failures: string[] = [];
      const probe = createReadinessProbe(
        ['peer', 'gatekeeper', 'record-store'].map((name) => check(name, name === failing ? down : ok)),
        { onFailure: (name) => failures.push(name) },
      );
      const h = createHarness({ readiness: probe });
      const res = await send(h.http.get('/healthz'));
      expect(res.status).to.equal(503);
      expect(res.body.status).to.equal('unavailable');
      const failed = (res.body.checks as { name: string; ok: boolean; detail?: string }[]).filter((c) => !c.ok);
      expect(failed).to.deep.equal([{ name: failing, ok: false, detail: `${failing} is down; look at it` }]);
      expect(JSON.stringify(res.body)).to.not.include('10.0.0.5');
      expect(failures).to.deep.equal([failing]);
      h.close();
    });
  }

  it('counts a check that does not answer within the timeout as failed', async () => {
    const probe = createReadinessProbe([check('peer', () => new Promise<never>(() => undefined))], { timeoutMs: 20 });
    const [result] = await probe();
    expect(result).to.include({ name: 'peer', ok: false });
  });

  it('reuses one round of results within the cache window, so /healthz cannot hammer the dependencies', async () => {
    let clock = 1_000;
    const peer = check('peer', ok);
    const probe = createReadinessProbe([peer], { cacheMs: 5000, now: () => clock });
    await Promise.all([probe(), probe()]);
    await probe();
    expect(peer.runs).to.equal(1);
    clock += 4999;
    await probe();
    expect(peer.runs).to.equal(1);
    clock += 1;
    await probe();
    expect(peer.runs).to.equal(2);
  });

  it('asks the peer for the channel height as the given identity, and the store for a record that is never stored', async () => {
    const asked: unknown[] = [];
    const peer = peerCheck(
      {
        channelHeight: (user) => {
          asked.push(user);
          return Promise.resolve(42n);
        },
      },
      USERS.admin,
    );
    expect(await peer.run()).to.equal('channel height 42');
    expect(asked).to.deep.equal([USERS.admin]);
    const store = recordStoreCheck({ get: () => Promise.resolve(undefined) });
    expect(await store.run()).to.equal(undefined);
    const broken = recordStoreCheck({ get: () => Promise.reject(new Error('SQLITE_BUSY')) });
    const [result] = await createReadinessProbe([broken])();
    expect(result).to.include({ name: 'record-store', ok: false });
  });
});
