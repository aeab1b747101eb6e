// Vite builds the console into console/dist, which each organisation's API serves at /console/ (same origin as /v1).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: {
    // The contract's TypeScript source, bundled as ES modules: its functions (the trend query's cell grid) run in the
    // browser exactly as the chaincode runs them, instead of a copy that could drift.
    alias: { '@medrec/contract': fileURLToPath(new URL('../contract/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> or data: URLs: the API serves the console under a Content-Security-Policy of 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
  },
});
