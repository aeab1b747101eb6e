import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBRARY_LOGGERS,
  guardLibraryLogLevels,
  guardLogLevels,
  libraryLoggerModule,
} from '../../../chaincode/src/common/shim-logging';

interface SpiedLogger {
  level: string;
  format: { transform: (info: unknown, options: unknown) => unknown };
  transports: { silent?: boolean | undefined }[];
  debug: (message: string) => unknown;
  warn: (message: string) => unknown;
  error: (message: string) => unknown;
}

/** The names a library's modules pass to getLogger as literals (lib/cmds is the CLI's metadata command, not the server). */
function literalLoggerNames(library: string): string[] {
  const root = path.join(path.dirname(require.resolve(library)), 'lib');
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'cmds') walk(file);
      if (entry.isFile() && entry.name.endsWith('.js')) {
        for (const match of fs.readFileSync(file, 'utf8').matchAll(/getLogger\('([^']+)'\)/g))
          names.add(match[1] ?? '');
      }
    }
  };
  walk(root);
  return [...names].sort();
}

/** Counts the messages the logger formats, with its transports silenced for the test. */
function spy(logger: SpiedLogger): { formatted: string[]; restore: () => void } {
  const formatted: string[] = [];
  const transform = logger.format.transform;
  const level = logger.level;
  const silent = logger.transports.map((t) => t.silent);
  logger.format.transform = (info, options) => {
    formatted.push((info as { message: string }).message);
    return transform.call(logger.format, info, options);
  };
  for (const t of logger.transports) t.silent = true;
  return {
    formatted,
    restore: () => {
      logger.format.transform = transform;
      logger.level = level;
      logger.transports.forEach((t, i) => (t.silent = silent[i]));
    },
  };
}

describe('chaincode: the libraries’ loggers skip the levels they drop', () => {
  it('lists every logger fabric-shim and fabric-contract-api create when loaded', () => {
    for (const library of ['fabric-shim', 'fabric-contract-api'] as const) {
      expect([...LIBRARY_LOGGERS[library]].sort(), library).to.deep.equal(literalLoggerNames(library));
    }
  });

  it('formats nothing below the level, what is at or above it, and follows a level change', () => {
    guardLibraryLogLevels();
    const logger = libraryLoggerModule('fabric-shim').getLogger('lib/handler.js') as unknown as SpiedLogger;
    const { formatted, restore } = spy(logger);
    try {
      logger.level = 'warn';
      logger.debug('dropped');
      logger.warn('kept');
      logger.error('kept too');
      logger.level = 'debug';
      logger.debug('now kept');
      expect(formatted).to.deep.equal(['kept', 'kept too', 'now kept']);
    } finally {
      restore();
    }
  });

  it('without the guard, winston formats the messages it then drops (why the guard exists)', () => {
    const logger = libraryLoggerModule('fabric-contract-api').getLogger(
      `medrec-test-${String(process.pid)}`,
    ) as unknown as SpiedLogger;
    const { formatted, restore } = spy(logger);
    try {
      logger.level = 'warn';
      logger.debug('formatted anyway');
      expect(formatted).to.deep.equal(['formatted anyway']);
      guardLogLevels(logger as never);
      guardLogLevels(logger as never);
      logger.debug('skipped');
      logger.warn('kept');
      expect(formatted).to.deep.equal(['formatted anyway', 'kept']);
    } finally {
      restore();
    }
  });

  it('guards every library logger the chaincode loads with', () => {
    guardLibraryLogLevels();
    for (const library of ['fabric-shim', 'fabric-contract-api'] as const) {
      for (const name of LIBRARY_LOGGERS[library]) {
        const logger = libraryLoggerModule(library).getLogger(name) as unknown as SpiedLogger;
        const { formatted, restore } = spy(logger);
        try {
          logger.level = 'error';
          logger.warn('dropped');
          expect(formatted, `${library} ${name}`).to.deep.equal([]);
        } finally {
          restore();
        }
      }
    }
  });
});
