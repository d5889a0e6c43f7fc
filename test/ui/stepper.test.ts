// The page's step-through and what-if state against a scripted worker: the stages come in order (any
// stage reached can be looked at again, none ahead), a press after the last stage starts the next step
// and resets the picks, a failed press keeps the stage shown and says why; a what-if judge re-scores the
// step's samples once (kept per step and judge), its advantages are those of the re-score's scores, and
// a new step's samples are never compared with an older step's re-score. The RL form's setup or a demo
// arm opens it; a refused form says why.
import { describe, expect, it } from 'vitest';
import { FakeApi } from './fake-api';
import { Stepper } from '../../src/ui/state/stepper.svelte';
import { WhatIf } from '../../src/ui/state/what-if.svelte';
import { RlControl } from '../../src/ui/state/rl-control.svelte';
import { advantagesFor } from '../../src/rl/what-if-advantages';
import { allScoresOf, type RescoredTrace } from '../../src/run/rescoring';
import { rlSetupFor } from '../../src/worker/rl-setup';
import { STEP_STAGES, type Rescore, type StepStage, type StepView } from '../../src/worker/api';
import type { VerdictDetail } from '../../src/run/scorers';

const settings: StepView['settings'] = {
  arm: 'process',
  armLabel: 'ExpRL-Process',
  mode: 'delta-norm',
  scorer: 'process',
  judge: 'built-in judge',
  stdNormalize: true,
  truncationGuard: true,
  truncationRule: 'penalize',
  processTruncation: 'penalize',
  epsLow: 0.2,
  epsHigh: 0.26,
  beta: 0.001,
  entCoef: 0,
  aggregation: 'token-mean',
  epochs: 1,
  miniBatches: 1,
  lr: 3e-4,
};
const tokens = [
  [10, 11, 12, 13],
  [10, 11, 14, 15],
];

function view(stage: StepStage, step = 1): StepView {
  return {
    step,
    stage,
    settings,
    G: 2,
    problems: [{ id: 'p1', prompt: 'Q: 1+2\n' }],
    sights: [{ reference: '1+2=3', checkpoints: ['3'] }],
    samples: tokens.map((t) => ({ response: 'text', tokens: t, truncated: false })),
    judged: [
      { score: { kind: 'process', segmentStarts: [0, 2], scores: [1, 0.5] }, correct: 1, dense: 1 },
      { score: { kind: 'process', segmentStarts: [0, 2], scores: [1, 0] }, correct: 0, dense: 0 },
    ],
    advantages: [
      { advantages: [0.5, 0.5, -0.5, -0.5], mask: [1, 1, 1, 1] },
      { advantages: [1, 1, -1, -1], mask: [1, 1, 1, 1] },
    ],
  };
}

const verdict = (k: number): VerdictDetail => ({ k, reward: (k - 1) / 4, status: 'ok', rationale: `k ${k}` });
const graded = (ks: number[]): RescoredTrace => ({
  segments: ks.map((k, i) => ({ text: 'ab', start: 2 * i, verdict: verdict(k) })),
  measured: verdict(ks[0]),
});
const rescore = (ks: number[][]): Rescore => ({
  judge: 'built-in judge (no reference)',
  traces: ks.map(graded),
  settings,
});

describe('the step-through state', () => {
  it('walks the stages in order, and the next press after the last starts the next step', async () => {
    const api = new FakeApi();
    api.stageViews = [...STEP_STAGES.map((s) => view(s)), view('samples', 2)];
    const st = new Stepper(api);
    await st.begin(rlSetupFor('demo', 'process'), 'rl');
    expect([st.view?.stage, st.upcoming, st.reached]).toEqual(['samples', 'judge', ['samples']]);
    st.look('loss'); // not reached: ignored
    expect(st.shown).toBe('samples');
    st.choose({ problem: 0, sample: 1, token: 2 });
    for (const s of STEP_STAGES.slice(1)) {
      await st.next();
      expect(st.shown).toBe(s);
    }
    expect(st.reached).toEqual([...STEP_STAGES]);
    expect(st.pick).toEqual({ problem: 0, sample: 1, token: 2 }); // the same step keeps the picks
    st.look('advantages');
    expect(st.shown).toBe('advantages');
    expect(st.upcoming).toBe('samples');
    await st.next();
    expect([st.view?.step, st.shown, st.pick]).toEqual([2, 'samples', { problem: 0, sample: 0, token: -1 }]);
    expect(api.calls.filter((c) => c.startsWith('step'))).toEqual(['stepBegin(process)', ...Array(5).fill('stepNext')]);
    await st.close();
    expect([st.open, st.view]).toEqual([false, undefined]);
  });

  it('a failed press keeps the stage shown and says why; picks reset what the patch leaves out', async () => {
    const api = new FakeApi();
    api.stageViews = [view('samples')];
    const st = new Stepper(api);
    await st.begin(rlSetupFor('demo', 'process'), 'demo');
    api.failNext.set('stepNext', new Error('the judge cannot grade'));
    await st.next();
    expect([st.shown, st.error, st.working]).toEqual(['samples', 'the judge cannot grade', undefined]);
    st.choose({ sample: 1, token: 3 });
    st.choose({ sample: 0 });
    expect(st.pick).toEqual({ problem: 0, sample: 0, token: -1 });
  });
});

describe('what if', () => {
  it("re-scores once per step and judge, and gives the re-score's advantages", async () => {
    const api = new FakeApi();
    const none = { kind: 'builtin', referenceMode: 'none', errorRate: 0 };
    api.rescores.set(
      JSON.stringify(none),
      rescore([
        [5, 1],
        [3, 3],
      ]),
    );
    let key = 's:1';
    const w = new WhatIf(
      api,
      () => ({ source: { kind: 'step-through' }, key }),
      () => undefined,
    );
    const v = view('advantages');
    const base = {
      G: 2,
      traces: v.samples.map((x, i) => ({ ...x, correct: v.judged![i].correct, ...v.advantages![i] })),
    };
    expect(w.result(base)).toBeUndefined(); // as trained: nothing to compare
    await w.choose({ judge: 'none' });
    const r = w.result(base)!;
    const want = advantagesFor(
      'delta-norm',
      [
        [5, 1],
        [3, 3],
      ].map((ks, i) => allScoresOf(base.traces[i], graded(ks))),
      2,
      settings,
    );
    expect(r.advantages).toEqual(want.advantages);
    expect(Array.from(r.advantages[0])).toEqual([1, 1, -1, -1]); // A_1 = 1 - 0, A_2 = 0 - 1
    expect(r.diff.signFlips).toBe(0);
    await w.choose({ mode: 'end-norm' }); // another mode of the same grades: no new call
    await w.choose({ judge: 'none' });
    expect(api.calls.filter((c) => c.startsWith('rescore'))).toHaveLength(1);
    expect(w.result(base)?.mode).toBe('end-norm');
    key = 's:2'; // a new step: the old re-score is not its own
    expect(w.result(base)).toBeUndefined();
    await w.choose({ judge: 'llm' });
    expect(w.error).toMatch(/no LLM judge/);
  });
});

describe('where a step-through starts', () => {
  it("steps the RL form's setup, or a demo arm from the shipped checkpoint; a refused form says so", async () => {
    const api = new FakeApi();
    api.stageViews = [view('samples'), view('samples')];
    const rl = new RlControl(api);
    await rl.stepDemo('grpo');
    expect([rl.stepper.owner, api.calls.at(-1)]).toEqual(['demo', 'stepBegin(grpo)']);
    rl.form.set({ arm: 'process' });
    await rl.stepForm([]);
    expect([rl.stepper.owner, api.calls.at(-1)]).toEqual(['rl', 'stepBegin(process)']);
    rl.form.set({ start: 'no-such-run' });
    await rl.stepForm([]);
    expect(rl.stepper.error).toMatch(/refused value/);
  });
});
