// The step-through on a real WebGPU device (SwiftShader without a GPU), from the shipped checkpoint:
// an ExpRL-Process step pauses at its five stages in order and the next press starts the next step;
// the change of every sampled token's log-prob (a GPU forward pass with the new weights minus one with
// the old) equals the CPU reference computed from the model's CPU forward with the same two sets of
// weights; the first on-policy update has ratio 1 and the loss terms of explainLoss; every advantage
// is its explanation's value; re-scoring with the run's own judge gives the trained advantages back
// (cached), and a judge without the reference grades otherwise. An SFT arm is refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuModel } from '../../src/model/cpu-model';
import { BOS_ID, encode } from '../../src/model/tokenizer';
import { logprobChange } from '../../src/ref/logprob_change';
import { explainAdvantage } from '../../src/rl/advantage-explain';
import { explainLoss } from '../../src/rl/loss-explain';
import { startFromCheckpoint } from '../../src/rl/start-weights';
import { advantagesFor } from '../../src/rl/what-if-advantages';
import { allScoresOf } from '../../src/run/rescoring';
import { STEP_STAGES, trainedGroup, type StepView } from '../../src/run/step-stages';
import { JudgeSlot } from '../../src/worker/judge-slot';
import { Rescorer } from '../../src/worker/rescorer';
import { rlSetupFor } from '../../src/worker/rl-setup';
import { StepThrough } from '../../src/worker/step-through';
import { testGpu } from '../helpers/gpu';

const FILE = readFileSync('public/pretrained/pretrained.ckpt');
const SHIPPED = FILE.buffer.slice(FILE.byteOffset, FILE.byteOffset + FILE.byteLength);

function setup(arm: 'process' | 'sft') {
  const s = rlSetupFor('demo', arm, 'stage1', { evaluate: false });
  s.options.stageI = { ...s.options.stageI, promptsPerStep: 2, groupSize: 3 };
  return s;
}

/** The CPU model's log-prob change of every response token of the step, from the two sets of weights. */
function cpuChanges(v: StepView, before: Float32Array, after: Float32Array): number[][] {
  const { config } = startFromCheckpoint(SHIPPED);
  return v.samples.map((x, s) => {
    const seq = [BOS_ID, ...encode(v.problems[Math.floor(s / v.G)].prompt), ...x.tokens];
    const T = seq.length - 1;
    const m = new CpuModel(config, 1, T);
    const tokens = Int32Array.from(seq.slice(0, T));
    const targets = Int32Array.from(seq.slice(1));
    m.params.set(before);
    const lb = Float32Array.from(m.forward(tokens));
    m.params.set(after);
    const la = Float32Array.from(m.forward(tokens));
    const d = logprobChange(lb, la, targets, T, config.vocabSize);
    const promptLen = seq.length - x.tokens.length;
    return x.tokens.map((_, j) => d[promptLen + j - 1]);
  });
}

/** A GPU test's limit on a busy machine (it waits for events; the limit only names a hang). */
const SLOW = 900_000;

describe('the step-through', () => {
  it(
    'pauses at each stage, and its log-prob change is the CPU forward pass of the two sets of weights',
    async () => {
      const gpu = await testGpu();
      const s = setup('process');
      const st = await StepThrough.open(gpu, s, SHIPPED, new JudgeSlot());
      try {
        const views = [await st.begin()];
        expect(await st.begin()).toBe(views[0]); // a second press shows the step in flight
        for (let i = 0; i < 4; i++) views.push(await st.next());
        expect(views.map((v) => v.stage)).toEqual([...STEP_STAGES]);
        const v = views[4];
        expect(v.step).toBe(1);
        expect(v.samples.length).toBe(6);
        expect(v.judged?.every((j) => j.score.kind === 'process')).toBe(true);

        // what changed: GPU after - before against the CPU reference
        const want = cpuChanges(v, startFromCheckpoint(SHIPPED).params, await st.params());
        let moved = 0;
        v.samples.forEach((x, i) =>
          x.tokens.forEach((_, j) => {
            const got = v.after![i][j] - v.before![i][j];
            expect(Math.abs(got - want[i][j]), `response ${i} token ${j}`).toBeLessThan(2e-4);
            if (Math.abs(got) > 1e-3) moved++;
          }),
        );
        expect(moved).toBeGreaterThan(10);

        // the loss terms: ratio 1 on the first on-policy update, and explainLoss's numbers
        const hp = v.settings;
        v.updates!.forEach((us, i) => {
          expect(us.length).toBe(1);
          const u = us[0];
          u.logp.forEach((lp, j) => {
            if (u.weight[j] === 0) return;
            expect(Math.abs(lp - u.logpOld[j])).toBeLessThan(1e-6);
            expect(Math.abs(u.logpOld[j] - v.before![i][j])).toBeLessThan(1e-5);
            const adv = v.advantages![i].advantages[j];
            const e = explainLoss(
              {
                adv,
                logp: lp,
                logpOld: u.logpOld[j],
                logpRef: u.logpRef[j],
                weight: u.weight[j],
                entropy: u.entropy[j],
              },
              hp,
            );
            expect(e.ratio).toBeCloseTo(1, 5);
            expect(Math.abs(e.loss - u.loss[j])).toBeLessThan(1e-7);
          });
        });

        // every advantage is its explanation's value
        const opts = { mode: 'delta-norm' as const, stdNormalize: hp.stdNormalize, truncation: hp.truncationRule };
        for (let g = 0; g < 2; g++) {
          const group = trainedGroup(v, g);
          group.forEach((t, i) => {
            for (let j = 0; j < t.length; j++)
              expect(Math.fround(explainAdvantage(group, i, j, opts).value)).toBe(
                v.advantages![g * 3 + i].advantages[j],
              );
          });
        }

        // re-scoring with the run's own judge gives the trained advantages; no reference grades otherwise
        const rescorer = new Rescorer(new JudgeSlot());
        const same = await st.rescore(rescorer, null);
        expect(await st.rescore(rescorer, null)).toBe(same); // cached
        const all = same.traces.map((t, i) => allScoresOf({ ...v.samples[i], correct: v.judged![i].correct }, t));
        const again = advantagesFor('delta-norm', all, v.G, hp);
        again.advantages.forEach((a, i) => expect(Array.from(a)).toEqual(v.advantages![i].advantages));
        const none = await st.rescore(rescorer, { kind: 'builtin', referenceMode: 'none', errorRate: 0 });
        expect(none.judge).toBe('built-in judge (no reference)');
        expect(none.traces.every((t) => t.segments.every((x) => /no reference/.test(x.verdict.rationale)))).toBe(true);

        const next = await st.next();
        expect([next.stage, next.step]).toEqual(['samples', 2]);
      } finally {
        st.destroy();
      }
    },
    SLOW,
  );

  it(
    'refuses an arm without RL steps',
    async () => {
      await expect(StepThrough.open(await testGpu(), setup('sft'), SHIPPED, new JudgeSlot())).rejects.toThrow(/SFT/);
    },
    SLOW,
  );
});
