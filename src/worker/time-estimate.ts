// The page's time estimate of RL runs: two real steps of the first setup's job on this device (the
// first compiles the pipelines), scaled to every setup's steps, batch, response length and held-out
// evaluation. The steps stop at the signal (the session aborts it when a run is started meanwhile).
//
// Length: a step's time follows its batch's longest response (sampling runs until it ends, the update
// pads to it): measured on the demo, 1.0 s of sampling at 34 tokens and 2.9 s at 108. An arm trained on
// the judge's rewards writes more right steps, and its longest response reached the length limit by
// its third step; sparse GRPO in the dead zone kept its start length. So a judge-rewarded Stage I is
// taken at the limit from its third step on, and its evaluation at the limit; every other setup at
// the measured length.

import { ARMS } from '../experiment/arms';
import type { RunJob } from '../run/job';
import type { RlEstimate, RlRunSetup } from './api';

const STEPS_AT_START_LENGTH = 2; // a judge-rewarded arm's steps before its longest response reaches the limit

/** Whether a setup's responses grow to the length limit: Stage I on the judge's rewards. */
function grows(s: RlRunSetup): boolean {
  const arm = ARMS[s.arm];
  return s.stage === 'stage1' && arm.stageI === 'rl' && (arm.scorer === 'process' || arm.scorer === 'outcome');
}

/** The budget of the stage a setup trains. */
const budgetOf = (s: RlRunSetup) => (s.stage === 'stage2' ? s.options.stageII : s.options.stageI);

/** Times two steps of `job` (built from setups[0]) and estimates the whole of `setups`; `lengthLimit` is
 *  the responses' limit in tokens. */
export async function estimateFromSteps(
  job: RunJob,
  setups: RlRunSetup[],
  adapter: string,
  signal: AbortSignal,
  lengthLimit: number,
): Promise<RlEstimate> {
  const s = setups[0];
  signal.throwIfAborted();
  const t0 = performance.now();
  await job.step(signal);
  const t1 = performance.now();
  const r = await job.step(signal);
  const stepSeconds = (performance.now() - t1) / 1000;
  const sampleS = r.values['rl/timing/sample_s'] ?? stepSeconds / 2;
  const measured = Math.max(1, r.values['rl/completions/max_length'] ?? lengthLimit);
  const longer = Math.max(1, lengthLimit / measured); // a step at the limit against the measured one
  const perSample = 1 / (budgetOf(s).promptsPerStep * budgetOf(s).groupSize); // the timed steps' samples
  let total = 0,
    evalSeconds = 0;
  for (const x of setups) {
    const b = budgetOf(x);
    const g = grows(x);
    const atStart = g ? Math.min(b.steps, STEPS_AT_START_LENGTH) : b.steps;
    const step = stepSeconds * b.promptsPerStep * b.groupSize * perSample;
    total += atStart * step + (b.steps - atStart) * step * longer;
    const e = x.options.eval;
    if (x.evaluate)
      evalSeconds +=
        Math.ceil(e.problems / e.problemsPerStep) * sampleS * e.problemsPerStep * e.n * perSample * (g ? longer : 1);
  }
  return { firstStepSeconds: (t1 - t0) / 1000, stepSeconds, evalSeconds, totalSeconds: total + evalSeconds, adapter };
}
