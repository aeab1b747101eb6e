/**
 * A patient's live notifications: the API's Server-Sent Events stream read with fetch (EventSource cannot send the
 * bearer token), parsed by eventsource-parser, and resumed after a dropped connection from the last event id
 * (Last-Event-ID), so no event committed meanwhile is lost. The server's final `end` event says whether to come back.
 */
import { createParser } from 'eventsource-parser';
import { shouldReconnect } from '../logic/stream-reconnect';
import type { ApiClient } from './api-client';

export interface LedgerEvent {
  /** `<blockNumber>:<transactionId>`, the stream's event id. */
  readonly id: string;
  /** The chaincode event: the audit event's type (RecordRegistered, DisclosureConfirmed, ...). */
  readonly type: string;
  readonly payload: {
    readonly outcome?: 'permit' | 'deny';
    readonly subject?: { readonly kind: string; readonly id: string };
  };
}

export type StreamState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'open' }
  | { readonly kind: 'retrying'; readonly after: string | undefined; readonly why: string }
  | { readonly kind: 'ended'; readonly why: string };

const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];

export function followEvents(
  api: ApiClient,
  path: string,
  onEvent: (event: LedgerEvent) => void,
  onState: (state: StreamState) => void,
): () => void {
  const abort = new AbortController();
  // A function, not the property: the type checker would take it as constant inside the loop below.
  const stopped = (): boolean => abort.signal.aborted;
  let lastId: string | undefined;
  let attempt = 0;

  async function once(): Promise<{ again: boolean; why: string }> {
    onState({ kind: 'connecting' });
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastId !== undefined) headers['last-event-id'] = lastId;
    const res = await api.stream(path, headers, abort.signal);
    if (res.body === null) return { again: true, why: 'the stream had no body' };
    onState({ kind: 'open' });
    attempt = 0;
    let ended: string | undefined;
    const parser = createParser({
      onEvent: (message) => {
        if (message.event === 'end') {
          ended = (JSON.parse(message.data) as { reason?: string }).reason ?? 'the server ended the stream';
          return;
        }
        if (message.id !== undefined) lastId = message.id;
        const data = JSON.parse(message.data) as { payload?: LedgerEvent['payload'] };
        onEvent({ id: message.id ?? '', type: message.event ?? 'message', payload: data.payload ?? {} });
      },
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
    if (ended !== undefined) return { again: shouldReconnect(ended), why: ended };
    return { again: true, why: 'the connection closed' };
  }

  async function run(): Promise<void> {
    while (!stopped()) {
      let outcome: { again: boolean; why: string };
      try {
        outcome = await once();
      } catch (err) {
        if (stopped()) return;
        outcome = { again: true, why: err instanceof Error ? err.message : String(err) };
      }
      if (!outcome.again) {
        onState({ kind: 'ended', why: outcome.why });
        return;
      }
      onState({ kind: 'retrying', after: lastId, why: outcome.why });
      const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 30_000;
      attempt += 1;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  void run();
  return () => {
    abort.abort();
  };
}
