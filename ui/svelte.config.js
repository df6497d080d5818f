/** Svelte compiler options, shared by vite-plugin-svelte, svelte-check and eslint-plugin-svelte. */
export default {
  compilerOptions: {
    // Svelte 5 runes everywhere; no legacy reactive statements.
    runes: true,
  },
};
