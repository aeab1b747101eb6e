import type { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim-api';
import type { z } from 'zod';
import { invalidArgument, notFound } from './errors';
import type { KeyKind } from './keys';
import { marshal, unmarshal } from './marshal';
import type { PageQuery } from '@medrec/contract';

/**
 * Ledger access. Reads always return committed state: Fabric never shows a transaction its own writes,
 * so callers compute new values from what they read plus their arguments, never by reading back.
 */
export async function readState<S extends z.ZodType>(
  ctx: Context,
  stateKey: string,
  schema: S,
  what: string,
): Promise<z.output<S> | undefined> {
  const bytes = await ctx.stub.getState(stateKey);
  return bytes.length === 0 ? undefined : unmarshal(bytes, schema, what);
}

export async function requireState<S extends z.ZodType>(
  ctx: Context,
  stateKey: string,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  const value = await readState(ctx, stateKey, schema, what);
  if (value === undefined) {
    throw notFound(`${what} does not exist; check the id`);
  }
  return value;
}

export async function writeState(ctx: Context, stateKey: string, value: unknown): Promise<void> {
  await ctx.stub.putState(stateKey, marshal(value));
}

export async function exists(ctx: Context, stateKey: string): Promise<boolean> {
  return (await ctx.stub.getState(stateKey)).length > 0;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; empty when there are no more items. */
  bookmark: string;
}

/** One page of the values under a partial composite key. */
export async function pageByPartialKey<S extends z.ZodType>(
  ctx: Context,
  kind: KeyKind,
  attributes: string[],
  query: PageQuery,
  schema: S,
  what: string,
): Promise<Page<z.output<S>>> {
  const prefix = ctx.stub.createCompositeKey(kind, attributes);
  const bookmark = decodeBookmark(query.bookmark, (candidate) => candidate.startsWith(prefix));
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    kind,
    attributes,
    query.pageSize,
    bookmark,
  );
  const items = await drain(iterator, schema, what);
  return { items, bookmark: encodeBookmark(bookmarkOf(metadata)) };
}

/** One page of the values with simple keys in [startKey, endKey). */
export async function pageByRange<S extends z.ZodType>(
  ctx: Context,
  startKey: string,
  endKey: string,
  query: PageQuery,
  schema: S,
  what: string,
): Promise<Page<z.output<S>>> {
  const bookmark = decodeBookmark(query.bookmark, (candidate) => candidate >= startKey && candidate < endKey);
  const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(
    startKey,
    endKey,
    query.pageSize,
    bookmark,
  );
  const items = await drain(iterator, schema, what);
  return { items, bookmark: encodeBookmark(bookmarkOf(metadata)) };
}

/** Reads a bounded iterator to the end; released however it ends (see stateEntries). */
export async function drain<S extends z.ZodType>(
  iterator: Iterators.StateQueryIterator,
  schema: S,
  what: string,
): Promise<z.output<S>[]> {
  const items: z.output<S>[] = [];
  for await (const entry of stateEntries(iterator)) {
    items.push(unmarshal(entry.value, schema, what));
  }
  return items;
}

/**
 * The entries of a state query, releasing the query on the peer however the loop ends. A query read to its end is
 * already released: the peer drops it when it sends the last batch (HasMore false; Fabric's
 * core/chaincode/handler.go and query_response_generator.go), so closing it again would only cost one more
 * message to the peer and back. A loop left early (break, return, throw) closes it.
 */
export async function* stateEntries(
  iterator: Iterators.StateQueryIterator,
): AsyncGenerator<Iterators.KV, void, undefined> {
  let exhausted = false;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!exhausted) await iterator.close();
  }
}

/**
 * Fabric's bookmark is the next key to read, and may hold U+0000; clients get it base64url-encoded. A bookmark
 * is accepted only inside the query's own key range: the peer would otherwise start reading wherever it points,
 * i.e. at another patient's entries.
 */
function decodeBookmark(encoded: string, inRange: (candidate: string) => boolean): string {
  if (encoded === '') {
    return '';
  }
  const decoded = Buffer.from(encoded, 'base64url').toString('utf8');
  if (encodeBookmark(decoded) !== encoded || !inRange(decoded)) {
    throw invalidArgument('bookmark: does not belong to this query; pass the bookmark of the previous page, or ""');
  }
  return decoded;
}

function encodeBookmark(bookmark: string): string {
  return Buffer.from(bookmark, 'utf8').toString('base64url');
}

/**
 * fabric-shim leaves the response metadata undefined when a page is empty (the peer sends no metadata message),
 * although its types say otherwise: an empty page has no next page.
 */
function bookmarkOf(metadata: { bookmark: string } | undefined): string {
  return metadata?.bookmark ?? '';
}
