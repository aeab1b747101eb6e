/** Server-Sent Events over a ledger subscription, closed when the client goes away. */
import type { Response } from 'express';
import type { MedrecEvent } from '@medrec/sdk';
import type { EventPosition, EventSubscription } from '../ports';

export interface EventStreamOptions {
  readonly heartbeatMs: number;
  /** `end(reason)` closes the stream from the server side (the caller lost the right to it). */
  subscribe(onEvent: (event: MedrecEvent) => void, end: (reason: string) => void): Promise<EventSubscription>;
}

/** Block number and transaction id: a Fabric transaction id is the hex SHA-256 of its nonce and creator. */
export const EVENT_ID_PATTERN = '^[0-9]{1,19}:[0-9a-f]{64}$';

/** The SSE id of an event: its ledger position, which a reconnecting client sends back as Last-Event-ID. */
export function eventId(event: Readonly<{ blockNumber: bigint; transactionId: string }>): string {
  return `${event.blockNumber.toString()}:${event.transactionId}`;
}

const EVENT_ID = new RegExp(EVENT_ID_PATTERN);

/** Reads a Last-Event-ID already checked against EVENT_ID_PATTERN by the request validator. */
export function parseEventId(id: string): EventPosition {
  if (!EVENT_ID.test(id)) throw new RangeError(`not an event id: ${id}`);
  const separator = id.indexOf(':');
  return { blockNumber: BigInt(id.slice(0, separator)), transactionId: id.slice(separator + 1) };
}

/** One SSE message; its id is the event's ledger position, so a reconnecting client resumes right after it. */
export function formatEvent(event: MedrecEvent): string {
  const data = JSON.stringify({
    transactionId: event.transactionId,
    blockNumber: event.blockNumber.toString(),
    payload: event.payload,
  });
  // Event names come from the chaincode; a line break in one would forge a field.
  const name = event.name.replace(/[\r\n]/g, '');
  return `event: ${name}\nid: ${eventId(event).replace(/[\r\n]/g, '')}\ndata: ${data}\n\n`;
}

/** The last message of a stream the server ends: `event: end` with the reason. */
function endEvent(reason: string): string {
  return `event: end\ndata: ${JSON.stringify({ reason })}\n\n`;
}

const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store, no-transform',
  // Tells reverse proxies such as nginx not to buffer the stream.
  'x-accel-buffering': 'no',
};

/**
 * Subscribes first, so a refused or failed subscription still becomes a problem response; only then are the
 * headers sent. Whichever comes first, client disconnect or subscription, the subscription is always closed.
 */
export async function openEventStream(res: Response, options: EventStreamOptions): Promise<void> {
  const state: {
    closed: boolean;
    subscription?: EventSubscription;
    heartbeat?: NodeJS.Timeout;
    /** Set when end() came before the headers were sent: the final event is written once they are. */
    pendingEnd?: string;
  } = { closed: false };
  // The response's 'close' (not the request's, which fires once the request has been read) marks the disconnect.
  res.once('close', () => {
    state.closed = true;
    if (state.heartbeat !== undefined) clearInterval(state.heartbeat);
    state.subscription?.close();
  });
  // Set before subscribing: an event may arrive, and be written, before the subscription call returns.
  for (const [name, value] of Object.entries(SSE_HEADERS)) res.setHeader(name, value);
  const end = (reason: string): void => {
    if (state.closed) return;
    state.closed = true;
    if (state.heartbeat !== undefined) clearInterval(state.heartbeat);
    state.subscription?.close();
    // A final event says why, then the stream ends. The reason tells the client whether reconnecting (with
    // Last-Event-ID) helps: it does after a failed ledger stream, not after a refusal.
    if (res.headersSent) res.end(endEvent(reason));
    else state.pendingEnd = reason;
  };
  try {
    state.subscription = await options.subscribe((event) => {
      if (!state.closed) res.write(formatEvent(event));
    }, end);
  } catch (err) {
    if (!res.headersSent) for (const name of Object.keys(SSE_HEADERS)) res.removeHeader(name);
    throw err;
  }
  if (state.closed) {
    state.subscription.close();
    // Ended (not disconnected) before the stream opened, e.g. the ledger stream failed at once: still say why.
    if (state.pendingEnd !== undefined && !res.writableEnded) res.status(200).end(endEvent(state.pendingEnd));
    return;
  }
  res.status(200);
  res.flushHeaders();
  res.write(': connected\nretry: 5000\n\n');
  state.heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs);
  state.heartbeat.unref();
}
