/**
 * The console's only way to the API: same origin, the signed-in user's bearer token on every request, JSON in and
 * out, and every failure turned into an ApiError carrying the API's problem+json.
 */
import { ApiError, unexpectedAnswer, unreachable } from './api-error';
import type { Problem } from './types';

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** A download (PDF, CSV, JSON Lines): the body and, for audit exports, the signed manifest from the trailer. */
  download(path: string): Promise<Download>;
  /** A streaming GET (Server-Sent Events): the response, its body not yet read. */
  stream(path: string, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<Response>;
  /** POST raw text with a content type (an audit export to verify). */
  sendText<T>(path: string, text: string, contentType: string, headers?: Readonly<Record<string, string>>): Promise<T>;
}

export interface Download {
  readonly blob: Blob;
  readonly contentType: string;
  readonly fileName: string | undefined;
}

const PROBLEM_TYPE = 'application/problem+json';

async function failure(path: string, res: Response): Promise<ApiError> {
  const text = await res.text();
  if ((res.headers.get('content-type') ?? '').startsWith(PROBLEM_TYPE)) {
    try {
      return new ApiError(JSON.parse(text) as Problem);
    } catch {
      // fall through: a broken problem body is reported as an unexpected answer
    }
  }
  return unexpectedAnswer(path, res.status, text);
}

function fileNameOf(res: Response): string | undefined {
  const match = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
  return match?.[1];
}

export function createApiClient(token: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): ApiClient {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    let res: Response;
    try {
      // No cookies: the bearer token is the only credential. The API marks every /v1 answer no-store itself.
      res = await fetchImpl(path, { ...init, headers, credentials: 'omit' });
    } catch (err) {
      throw unreachable(path, err);
    }
    if (!res.ok) throw await failure(path, res);
    return res;
  }

  return {
    async get<T>(path: string): Promise<T> {
      return (await (await call(path)).json()) as T;
    },
    async send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const init: RequestInit =
        body === undefined
          ? { method }
          : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
      return (await (await call(path, init)).json()) as T;
    },
    async download(path: string): Promise<Download> {
      const res = await call(path);
      return {
        blob: await res.blob(),
        contentType: res.headers.get('content-type') ?? 'application/octet-stream',
        fileName: fileNameOf(res),
      };
    },
    stream(path: string, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<Response> {
      return call(path, { headers, signal });
    },
    async sendText<T>(
      path: string,
      text: string,
      contentType: string,
      headers: Readonly<Record<string, string>> = {},
    ): Promise<T> {
      const res = await call(path, {
        method: 'POST',
        body: text,
        headers: { ...headers, 'content-type': contentType },
      });
      return (await res.json()) as T;
    },
  };
}
