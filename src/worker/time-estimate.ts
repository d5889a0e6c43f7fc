// The page's time estimate of RL runs: real steps of the first setup's job on this device (the first
// compiles the pipelines), scaled to every setup's steps, batch and held-out evaluation. The steps stop
// at the signal (the session aborts it when a run is started meanwhile).
//
// Length: a step's time follows its batch's longest response (sampling runs until it ends, the update
// pads to it), and faster than in proportion: on the demo, 3.0 s at 34 tokens and 9.1 s at 108 on a
// quiet 2-core machine, about 4 s and 14 s with two busy processes beside it (scaling the short step by
// the length said 12 s). An arm trained on the judge's rewards writes more right steps, and its longest
// response reached the length limit by its third step; sparse GRPO in the dead zone kept its start
// length. So the estimate times two steps at the start length and two whose responses all run to the
// limit, and takes a judge-rewarded Stage I at the limit from its third step on, its evaluation at the
// limit; every other setup at the start length. Two of each, not one: one step's time swung by a third
// between page loads with other programs on the cores (3.6 to 5.6 s), and by a sixth on a quiet machine.

import { ARMS } from '../experiment/arms';
import type { JobStep, RunJob } from '../run/job';
import type { RlEstimate, RlRunSetup } from './api';

const STEPS_AT_START_LENGTH = 2; // a judge-rewarded arm's steps before its longest response reaches the limit
const TIMED_STEPS = 2; // steps timed at the start length, after the first (which compiles the pipelines)...
const TIMED_AT_LIMIT = 2; // ...and at the length limit (when a setup grows to it)

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;

interface Timed {
  seconds: number; // the whole step
  sampleSeconds: number; // its sampling
}

const meanOf = (t: Timed[]): Timed => ({
  seconds: mean(t.map((x) => x.seconds)),
  sampleSeconds: mean(t.map((x) => x.sampleSeconds)),
});

async function timed(step: () => Promise<JobStep>): Promise<Timed> {
  const t = performance.now();
  const r = await step();
  const seconds = (performance.now() - t) / 1000;
  return { seconds, sampleSeconds: r.values['rl/timing/sample_s'] ?? seconds / 2 };
}

/** Whether a setup's responses grow to the length limit: Stage I on the judge's rewards. */
function grows(s: RlRunSetup): boolean {
  const arm = ARMS[s.arm];
  return s.stage === 'stage1' && arm.stageI === 'rl' && (arm.scorer === 'process' || arm.scorer === 'outcome');
}

/** The budget of the stage a setup trains. */
const budgetOf = (s: RlRunSetup) => (s.stage === 'stage2' ? s.options.stageII : s.options.stageI);

/** Times steps of `job` (built from setups[0]) and estimates the whole of `setups`. */
export async function estimateFromSteps(
  job: RunJob,
  setups: RlRunSetup[],
  adapter: string,
  signal: AbortSignal,
): Promise<RlEstimate> {
  const s = setups[0];
  signal.throwIfAborted();
  const t0 = performance.now();
  await job.step(signal);
  const firstStepSeconds = (performance.now() - t0) / 1000;
  const start: Timed[] = [];
  while (start.length < TIMED_STEPS) start.push(await timed(() => job.step(signal)));
  const atStart = meanOf(start);
  // a job that cannot run its responses to the limit (not an RL job) is taken at its start length
  const limit: Timed[] = [];
  const stepAtLimit = job.stepAtLimit?.bind(job);
  if (setups.some(grows) && stepAtLimit)
    while (limit.length < TIMED_AT_LIMIT) limit.push(await timed(() => stepAtLimit(signal)));
  const atLimit = limit.length ? meanOf(limit) : atStart;
  const perSample = 1 / (budgetOf(s).promptsPerStep * budgetOf(s).groupSize); // the timed steps' samples
  let total = 0,
    evalSeconds = 0;
  for (const x of setups) {
    const b = budgetOf(x);
    const g = grows(x);
    const short = g ? Math.min(b.steps, STEPS_AT_START_LENGTH) : b.steps;
    const samples = b.promptsPerStep * b.groupSize * perSample;
    total += (short * atStart.seconds + (b.steps - short) * atLimit.seconds) * samples;
    const e = x.options.eval;
    if (x.evaluate)
      evalSeconds +=
        Math.ceil(e.problems / e.problemsPerStep) *
        (g ? atLimit : atStart).sampleSeconds *
        e.problemsPerStep *
        e.n *
        perSample;
  }
  return {
    firstStepSeconds,
    stepSeconds: atStart.seconds,
    limitStepSeconds: atLimit === atStart ? null : atLimit.seconds,
    evalSeconds,
    totalSeconds: total + evalSeconds,
    adapter,
  };
}
