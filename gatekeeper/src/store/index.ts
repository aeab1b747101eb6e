export * from './record-store';
export * from './store-errors';
export { MAX_RESOURCE_JSON_LENGTH } from './record-input';
export { createSqliteRecordStore, type SqliteRecordStoreOptions } from './sqlite-record-store';
export { createPostgresRecordStore, type PostgresRecordStoreOptions } from './postgres-record-store';
export * from './record-describer';
