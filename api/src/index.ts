/** The REST API's public surface for the launcher and the adapters. */
export { createSqliteUserDirectory, TOKEN_PREFIX } from './auth/sqlite-user-directory';
export type { SqliteUserDirectory, SqliteUserDirectoryOptions } from './auth/sqlite-user-directory';
export { ConfigError, readApiConfig } from './config';
export type { ApiConfig, RateLimitConfig } from './config';
export { openApiDocument } from './openapi/document';
export * from './ports';
export { createServer } from './server';
export type { ServerDependencies, ServerOptions } from './server';
export { startServer } from './start';
export type { RunningServer } from './start';
