// An RL job driven by the lifecycle, stopped after its second step and resumed from its checkpoint in a
// new job, ends bit-identical to the same job run straight through: weights, AdamW state, reference,
// sampling seeds, problem stream and the solved-prompt set all come back. A step at the length limit
// (the page's time estimate) runs every response to the limit.
import { describe, it, expect } from 'vitest';
import { RunDriver } from '../../src/run/lifecycle';
import { RlJob, type RlJobSpec, type RlProblem } from '../../src/run/rl-job';
import { startFresh } from '../../src/rl/start-weights';
import { DEFAULT_RL } from '../../src/rl/rl-config';
import { MODEL_PRESETS } from '../../src/model/config';
import { VERIFIABLE_TASKS, problemStream, type VerifiableProblem } from '../../src/tasks/verifiable';
import { testGpu } from '../helpers/gpu';
import { buildLayout } from '../../src/model/params';
import { EOS_ID } from '../../src/model/tokenizer';

type P = RlProblem & VerifiableProblem;

function spec(): RlJobSpec<P> {
  const next = problemStream(VERIFIABLE_TASKS.digits, 3);
  let n = 0;
  return {
    cfg: { ...DEFAULT_RL, promptsPerStep: 2, groupSize: 4, maxNewTokens: 4, lr: 1e-2, truncationGuard: false, seed: 3 },
    steps: 4,
    draw: () => ({ ...next(), id: `p${n++}` }),
    score: async (p, response) => {
      const c = p.check(response);
      return { score: { kind: 'outcome', reward: c }, correct: c };
    },
  };
}

async function runToEnd(job: RlJob<P>, stopAfter?: number): Promise<ArrayBuffer> {
  let last = new ArrayBuffer(0);
  const d = new RunDriver(
    job,
    {
      saveMetrics: async () => undefined,
      saveCheckpoint: async (_s, b) => void (last = b),
      onStep: (p) => {
        if (p.step === stopAfter) d.want = 'stop';
      },
    },
    { checkpointEvery: 100, periodicEvery: 0, flushMs: 1e9, previewEvery: 0 },
  );
  await d.run();
  return last;
}

describe('RL job', () => {
  it('resumes bit-identically from its own checkpoint', async () => {
    const g = await testGpu();
    const start = startFresh(MODEL_PRESETS.tiny, 1);
    const straight = RlJob.create(g, start, spec());
    const full = await runToEnd(straight);
    expect(straight.stepCount).toBe(4);
    straight.destroy();

    const first = RlJob.create(g, start, spec());
    const mid = await runToEnd(first, 2);
    expect(first.stepCount).toBe(2);
    first.destroy();
    const second = RlJob.resume(g, mid, spec());
    expect(second.stepCount).toBe(2);
    const end = await runToEnd(second);
    second.destroy();
    expect(Buffer.from(end).equals(Buffer.from(full))).toBe(true);
  });

  it('runs every response to the length limit in a step at the limit (the time estimate times it)', async () => {
    const g = await testGpu();
    const sp = { ...spec(), cfg: { ...spec().cfg, maxNewTokens: 12 } };
    // a start that says <eos> most of the time: the last norm outputs its bias alone, which points at
    // the <eos> row of the (tied) embedding
    const start = startFresh(MODEL_PRESETS.tiny, 1);
    const layout = buildLayout(start.config);
    start.params.fill(0, layout.lnfw.offset, layout.lnfw.offset + layout.lnfw.size);
    start.params.fill(0, layout.lnfb.offset, layout.lnfb.offset + layout.lnfb.size);
    start.params[layout.lnfb.offset] = 1;
    start.params[layout.wte.offset + EOS_ID * start.config.dModel] = 5;
    const job = RlJob.create(g, start, sp);
    const natural = await job.step();
    const limit = await job.stepAtLimit();
    job.destroy();
    expect(natural.values['rl/completions/max_length']).toBeLessThan(12);
    expect(limit.values['rl/completions/max_length']).toBe(12);
    expect(limit.values['rl/completions/clipped_ratio']).toBe(1);
    expect(limit.step).toBe(2);
  });

  it('refuses to resume from a checkpoint that is not an RL run state', async () => {
    const g = await testGpu();
    const { encodeCheckpoint } = await import('../../src/model/checkpoint');
    const start = startFresh(MODEL_PRESETS.tiny, 1);
    const plain = encodeCheckpoint(start.config, 3, { params: start.params });
    expect(() => RlJob.resume(g, plain, spec())).toThrow(/not one a training job wrote mid-run/);
  });
});
