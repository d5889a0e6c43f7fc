// Matmul benchmark runner: our kernel against tfjs-webgpu's tf.matMul on this machine's adapter, for
// the real shapes of two model sizes and a few squares. Prints the adapter name and one table.
// Usage: node --import tsx --import ./src/cli/register-raw.mjs src/cli/bench-matmul.ts [--reps N] [--readback]

import { acquireGpu } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { VOCAB_SIZE } from '../tasks/tokenizer';
import { benchMatmul, formatMatmulTable, modelMatmulShapes, squareShapes } from './bench/matmul-bench';

const argv = process.argv.slice(2);
const repsAt = argv.indexOf('--reps');
const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 7;
const sync = argv.includes('--readback') ? 'readback' : 'submitted';

const { device, info } = await acquireGpu();
console.log(`adapter: ${info.adapterName}${info.isFallback ? ' [CPU fallback]' : ''}`);
console.log(`V = ${VOCAB_SIZE}, median of ${reps} runs, each ended by ${sync === 'readback' ? 'reading the output back' : 'queue.onSubmittedWorkDone'}`);
const shapes = [...modelMatmulShapes(64, 256, VOCAB_SIZE), ...modelMatmulShapes(128, 512, VOCAB_SIZE), ...squareShapes([128, 256, 512])];
const t0 = performance.now();
const rows = await benchMatmul({ device, pipelines: new PipelineCache(device) }, shapes, { reps, sync, log: (l) => console.error(l) });
console.log(formatMatmulTable(rows));
const worst = rows.reduce((w, r) => (r.ratio < w.ratio ? r : w));
console.log(`lowest ratio: ${worst.ratio.toFixed(2)}x (${worst.label}); total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
process.exit(0);
