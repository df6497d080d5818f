import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import type { Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { cspProblems } from './tools/csp.ts';

/** Fails the build when an emitted HTML page would break the app's strict CSP. */
function strictCsp(): Plugin {
  return {
    name: 'softphone:strict-csp',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !file.fileName.endsWith('.html')) continue;
        const html = typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);
        const problems = cspProblems(html);
        if (problems.length > 0) {
          this.error(`${file.fileName} would break the CSP: ${problems.join('; ')}`);
        }
      }
    },
  };
}

// The bundle is loaded by the Tauri webview from its own files (and later served by the
// back office to a browser) under a strict CSP: default-src 'self', no inline scripts,
// styles only from CSS files. So: relative base, no CDN, CSS emitted as files.
export default defineConfig({
  base: './',
  plugins: [svelte({ emitCss: true }), svelteTesting(), strictCsp()],
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
    // Two pages: the app (index.html) and the browser console the back office serves
    // under /console/ (console.html).
    rolldownOptions: {
      input: {
        app: fileURLToPath(new URL('./index.html', import.meta.url)),
        console: fileURLToPath(new URL('./console.html', import.meta.url)),
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'tools/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
