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
    // The tests wait for events; a limit only names a hang. GPU tests on SwiftShader run several times
    // slower while another heavy process shares the two cores, hence room well beyond a quiet run.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
