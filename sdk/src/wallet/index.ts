export * from './wallet';
export * from './wallet-errors';
export { createFileWallet, type FileWalletOptions } from './file-wallet';
export {
  createCachingWallet,
  DEFAULT_CACHE_ENTRIES,
  DEFAULT_CACHE_TTL_MS,
  type CachingWalletOptions,
} from './caching-wallet';
