export * from './wallet';
export * from './wallet-errors';
export { createFileWallet, type FileWalletOptions } from './file-wallet';
