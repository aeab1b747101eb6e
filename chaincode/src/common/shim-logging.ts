/**
 * fabric-shim and fabric-contract-api log through winston 3, and a winston 3 logger runs every message through all its
 * formats (timestamp, metadata, colours, padding, printf) and a stream before its transport drops the message for its
 * level. The shim writes a debug line for every message it exchanges with the peer, each state read's answer
 * included, so at level WARNING that discarded work took 14-15% of a chaincode server's CPU under load
 * (docs/benchmarks.md, profiles of the thirteenth session). The fix belongs upstream (a level check before
 * formatting); until then each level method of the libraries' own loggers checks the level first. The check is made
 * at every call, so a later `setLevel` still takes effect.
 */
import { createRequire } from 'node:module';

/** What is used here of a winston 3 logger (the libraries' own winston copies, not a dependency of ours). */
interface WinstonLogger {
  readonly levels: Readonly<Record<string, number>>;
  isLevelEnabled(level: string): boolean;
}

interface LoggerModule {
  getLogger(name: string): WinstonLogger;
}

/**
 * The loggers each library creates when it is loaded: the names its modules pass to `getLogger`. `getLogger` keeps
 * one logger per name, so asking for the same name returns the instance the library logs through.
 */
export const LIBRARY_LOGGERS: Readonly<Record<'fabric-shim' | 'fabric-contract-api', readonly string[]>> = {
  'fabric-shim': [
    'lib/chaincode.js',
    'lib/handler.js',
    'lib/iterators.js',
    'lib/server.js',
    'lib/stub.js',
    'contracts-spi/bootstrap.js',
    'contracts-spi/chaincodefromcontract.js',
    'contracts-spi/datamarshall.js',
  ],
  'fabric-contract-api': [
    './lib/annotations/default.js',
    './lib/annotations/info.js',
    './lib/annotations/object.js',
    './lib/annotations/transaction.js',
    './lib/contract.js',
    './lib/jsontransactionserializer.js',
  ],
};

const GUARDED = Symbol.for('medrec.levelGuarded');

type LevelMethod = ((...args: unknown[]) => unknown) & { [GUARDED]?: true };

/** Makes each level method of `logger` return at once when the logger would drop that level. Idempotent. */
export function guardLogLevels(logger: WinstonLogger): void {
  const methods = logger as unknown as Record<string, unknown>;
  for (const level of Object.keys(logger.levels)) {
    const original = methods[level];
    if (typeof original !== 'function' || (original as LevelMethod)[GUARDED] === true) continue;
    const log = original as LevelMethod;
    const guarded: LevelMethod = (...args: unknown[]): unknown =>
      logger.isLevelEnabled(level) ? log.apply(logger, args) : logger;
    guarded[GUARDED] = true;
    methods[level] = guarded;
  }
}

/** The `lib/logger` module of a library, as the library itself loads it. */
export function libraryLoggerModule(library: keyof typeof LIBRARY_LOGGERS): LoggerModule {
  const load = createRequire(require.resolve(library));
  return load('./lib/logger') as LoggerModule;
}

/** Guards the level methods of every logger fabric-shim and fabric-contract-api create when loaded. */
export function guardLibraryLogLevels(): void {
  for (const library of Object.keys(LIBRARY_LOGGERS) as (keyof typeof LIBRARY_LOGGERS)[]) {
    const loggers = libraryLoggerModule(library);
    for (const name of LIBRARY_LOGGERS[library]) guardLogLevels(loggers.getLogger(name));
  }
}
