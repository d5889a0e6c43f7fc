// The SFT job and the evaluation job under the lifecycle: stopped part way and resumed from their own
// checkpoints, they end exactly where an uninterrupted run ends (weights and AdamW state for SFT; the
// per-problem counts and figures for the evaluation). The evaluation's counts are consistent with
// pass@k of its own samples.
import { describe, it, expect } from 'vitest';
import { RunDriver } from '../../src/run/lifecycle';
import { SftJob } from '../../src/run/sft-job';
import { EvalJob, type EvalSpec } from '../../src/run/eval-job';
import type { RunJob } from '../../src/run/job';
import { startFresh } from '../../src/rl/start-weights';
import { MODEL_PRESETS } from '../../src/model/config';
import { hardProblems } from '../../src/tasks/splits';
import { BuiltinJudge } from '../../src/judge/builtin';
import { meanPassAtK } from '../../src/rl/pass-at-k';
import { testGpu } from '../helpers/gpu';

const WORLD = { primitiveSteps: [1, 2] as [number, number], hardSteps: [3, 3] as [number, number] };
const problems = hardProblems(WORLD, 'train', 12);
const start = startFresh(MODEL_PRESETS.tiny, 4);

async function drive(job: RunJob, stopAfter?: number): Promise<ArrayBuffer> {
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

const sftSpec = () => {
  let i = 0;
  return {
    steps: 4,
    promptsPerStep: 2,
    draw: () => problems[i++ % problems.length],
    hp: { lr: 1e-3, weightDecay: 0, maxGradNorm: 1 },
  };
};
const evalSpec = (): EvalSpec => ({
  problems: problems.slice(0, 6),
  n: 3,
  k: 2,
  temperature: 0.8,
  maxNewTokens: 40,
  problemsPerStep: 2,
  seed: 9,
  judge: new BuiltinJudge(),
  rubricMode: 'explicit',
  keepExamples: 2,
});

describe('SFT and evaluation jobs', () => {
  it('SFT resumes bit-identically and its loss falls on the references', async () => {
    const g = await testGpu();
    const straight = SftJob.create(g, start, sftSpec());
    const losses: number[] = [];
    const d = new RunDriver(
      straight,
      {
        saveMetrics: async () => undefined,
        saveCheckpoint: async () => undefined,
        onStep: (p) => void losses.push(p.values['sft/loss']),
      },
      { checkpointEvery: 100, periodicEvery: 0, flushMs: 1e9, previewEvery: 0 },
    );
    await d.run();
    const full = await straight.saveCheckpoint();
    straight.destroy();
    expect(losses[3]).toBeLessThan(losses[0]);
    const first = SftJob.create(g, start, sftSpec());
    const mid = await drive(first, 2);
    first.destroy();
    const second = SftJob.resume(g, mid, sftSpec());
    const end = await drive(second);
    second.destroy();
    expect(Buffer.from(end).equals(Buffer.from(full))).toBe(true);
  });

  it('evaluation resumes where it stopped and gives the same figures', async () => {
    const g = await testGpu();
    const straight = new EvalJob(g, start.config, start.params, evalSpec());
    await drive(straight);
    const want = straight.result();
    straight.destroy();
    expect(want.perProblem).toHaveLength(6);
    expect(want.passAt1).toBeCloseTo(
      meanPassAtK(
        want.perProblem.map((p) => ({ n: 3, c: p.c })),
        1,
      ),
      12,
    );
    expect(want.judgeScore).not.toBeNull();
    const first = new EvalJob(g, start.config, start.params, evalSpec());
    const mid = await drive(first, 1);
    first.destroy();
    const second = EvalJob.resume(g, mid, evalSpec());
    expect(second.stepCount).toBe(1);
    await drive(second);
    expect(second.result()).toEqual(want);
    second.destroy();
  });
});
