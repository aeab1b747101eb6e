import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Where an export's text goes; `write` resolves when the sink can take more (backpressure). */
export interface ExportSink {
  write(text: string): Promise<void>;
}

/** A sink over a Node writable stream (a file, an HTTP response), waiting for `drain` when its buffer is full. */
export function createStreamSink(stream: Writable): ExportSink {
  return {
    write: async (text) => {
      if (!stream.write(text, 'utf8')) await once(stream, 'drain');
    },
  };
}

/** A sink that collects the text in memory (small exports and tests). */
export interface MemorySink extends ExportSink {
  text(): string;
}

export function createMemorySink(): MemorySink {
  const chunks: string[] = [];
  return {
    write: (text) => {
      chunks.push(text);
      return Promise.resolve();
    },
    text: () => chunks.join(''),
  };
}
