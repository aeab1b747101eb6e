import type http from 'node:http';

/**
 * Past this many bytes an oversize body is no longer drained: the 413 goes out with `connection: close` instead. Up to
 * it, the rest of an oversize body is read and discarded so the 413 reaches the client and the keep-alive connection
 * stays usable (answering mid-upload and then closing makes the client see a reset, not the 413).
 */
export const MAX_DRAIN_BYTES = 1024 * 1024;

export type BodyResult =
  { readonly kind: 'body'; readonly bytes: Buffer } | { readonly kind: 'too-large'; readonly drained: boolean };

function declaredLength(req: http.IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Reads a request body of at most `limit` bytes. An oversize body is not an error: it resolves as too-large once the
 * body has been drained (or, beyond MAX_DRAIN_BYTES, straight away, undrained), so the caller can still answer.
 * Uses 'data' events rather than async iteration: leaving a for-await loop early destroys the request's socket.
 */
export function readBoundedBody(req: http.IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > MAX_DRAIN_BYTES) {
    return Promise.resolve({ kind: 'too-large', drained: false });
  }
  return new Promise<BodyResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0; // Keep nothing of an oversize body; only count it while it drains.
      if (size > MAX_DRAIN_BYTES) finish({ kind: 'too-large', drained: false });
    };
    const onEnd = (): void => {
      finish(size > limit ? { kind: 'too-large', drained: true } : { kind: 'body', bytes: Buffer.concat(chunks) });
    };
    const onError = (err: Error): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
