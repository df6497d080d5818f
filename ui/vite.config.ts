import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// The bundle is loaded by the Tauri webview from its own files (and later served by the
// back office to a browser) under a strict CSP: default-src 'self', no inline scripts,
// styles only from CSS files. So: relative base, no CDN, CSS emitted as files.
export default defineConfig({
  base: './',
  plugins: [svelte({ emitCss: true }), svelteTesting()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Never inline assets as data: URLs; CSP default-src 'self' would block some of them.
    assetsInlineLimit: 0,
    // Vite's polyfill is bundled into the entry chunk, not inlined; webviews here support
    // modulepreload natively anyway.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
