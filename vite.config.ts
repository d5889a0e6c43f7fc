// Vite + vitest configuration. WGSL files are imported with `?raw`; the trainer runs in an ES-module worker.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  worker: {
    format: 'es',
    // The WGSL sources get a chunk of their own, apart from the worker's code.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'wgsl', test: /\.wgsl/ }] } } },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // GPU tests share one SwiftShader device per file; a few files at a time suits 2-core CI machines.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
