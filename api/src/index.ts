/**
 * The API package's public surface for the tooling that runs it (network/): its token directory, which the CLI uses
 * to issue tokens, and how the token lifetime is read from the environment. The server itself starts from main.ts.
 */
export { createSqliteUserDirectory, type SqliteUserDirectory } from './auth/sqlite-user-directory';
export { readTokenTtlMs } from './config';
