import { expect } from 'chai';
import type { ApiClient } from '../../../console/src/api/api-client';
import { followEvents, type LedgerEvent, type StreamState } from '../../../console/src/api/event-stream';
import { shouldReconnect } from '../../../console/src/logic/stream-reconnect';

/** An SSE response whose body is `text`, then closes (a dropped connection, unless it ends with `event: end`). */
function sse(text: string): Response {
  return new Response(text, { headers: { 'content-type': 'text/event-stream' } });
}

function event(id: string, type: string): string {
  return `event: ${type}\nid: ${id}\ndata: ${JSON.stringify({ transactionId: id, payload: { outcome: 'permit' } })}\n\n`;
}

/** A client whose stream() answers each connection in turn, recording the headers each was opened with. */
function fakeApi(answers: readonly string[]): { api: ApiClient; opened: Record<string, string>[] } {
  const opened: Record<string, string>[] = [];
  const unused = (): never => {
    throw new Error('not used');
  };
  const api: ApiClient = {
    get: unused,
    send: unused,
    download: unused,
    sendText: unused,
    stream: (_path, headers) => {
      opened.push({ ...headers });
      const answer = answers[opened.length - 1];
      return answer === undefined ? new Promise<Response>(() => undefined) : Promise.resolve(sse(answer));
    },
  };
  return { api, opened };
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('console: the live notification stream', () => {
  it('reconnects after a dropped connection from the last event id, so nothing is missed', async () => {
    const { api, opened } = fakeApi([event('7:aa', 'AccessDecided'), event('9:bb', 'DisclosureConfirmed')]);
    const events: LedgerEvent[] = [];
    const states: StreamState['kind'][] = [];
    const stop = followEvents(
      api,
      '/v1/patients/pt-1/notifications',
      (e) => events.push(e),
      (s) => states.push(s.kind),
    );
    try {
      await until('two events', () => events.length === 2);
      expect(events.map((e) => [e.id, e.type, e.payload.outcome])).to.deep.equal([
        ['7:aa', 'AccessDecided', 'permit'],
        ['9:bb', 'DisclosureConfirmed', 'permit'],
      ]);
      expect(opened[0]).to.not.have.property('last-event-id');
      expect(opened[1]).to.include({ 'last-event-id': '7:aa', accept: 'text/event-stream' });
      expect(states.slice(0, 4)).to.deep.equal(['connecting', 'open', 'retrying', 'connecting']);
    } finally {
      stop();
    }
  });

  it("tells the server's two reasons to end apart", () => {
    expect(shouldReconnect('the ledger event stream was interrupted; reconnect with Last-Event-ID to resume')).to.equal(
      true,
    );
    expect(shouldReconnect('you no longer act for patient pt-1 (MEDREC_FORBIDDEN); the stream ends here')).to.equal(
      false,
    );
  });

  it('stops for good when the server ends the stream because the right to it is gone', async () => {
    const { api, opened } = fakeApi([
      `${event('3:cc', 'ConsentRevoked')}event: end\ndata: {"reason":"you no longer act for patient pt-1"}\n\n`,
    ]);
    const states: StreamState[] = [];
    const stop = followEvents(
      api,
      '/v1/patients/pt-1/notifications',
      () => undefined,
      (s) => states.push(s),
    );
    try {
      await until('the end', () => states.some((s) => s.kind === 'ended'));
      expect(states.at(-1)).to.deep.equal({ kind: 'ended', why: 'you no longer act for patient pt-1' });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(opened).to.have.length(1);
    } finally {
      stop();
    }
  });
});
