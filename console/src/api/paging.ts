/** Every page of a list operation, bounded so a very long list cannot hang the page. */
import type { ApiClient } from './api-client';
import type { Page } from './types';

export async function allPages<T>(api: ApiClient, path: string, maxPages = 20): Promise<T[]> {
  const items: T[] = [];
  let bookmark = '';
  for (let i = 0; i < maxPages; i += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api.get<Page<T>>(
      `${path}${separator}pageSize=200${bookmark === '' ? '' : `&bookmark=${encodeURIComponent(bookmark)}`}`,
    );
    items.push(...page.items);
    if (page.bookmark === '' || page.items.length === 0) break;
    bookmark = page.bookmark;
  }
  return items;
}

/** Runs `work` over `inputs` with at most `limit` at a time (the ledger answers each ticket lookup separately). */
export async function mapLimited<I, O>(
  inputs: readonly I[],
  limit: number,
  work: (input: I) => Promise<O>,
): Promise<O[]> {
  const results = new Array<O>(inputs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < inputs.length) {
      const index = next;
      next += 1;
      results[index] = await work(inputs[index] as I);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}
