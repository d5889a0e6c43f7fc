// The page's time estimate of RL runs: two real steps of the first setup's job on this device (the
// first compiles the pipelines), scaled to every setup's steps, batch and held-out evaluation. The
// steps stop at the signal (the session aborts it when a run is started meanwhile).

import type { RunJob } from '../run/job';
import type { RlEstimate, RlRunSetup } from './api';

/** Times two steps of `job` (built from setups[0]) and estimates the whole of `setups`. */
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
  const t1 = performance.now();
  const r = await job.step(signal);
  const stepSeconds = (performance.now() - t1) / 1000;
  const sampleS = r.values['rl/timing/sample_s'] ?? stepSeconds / 2;
  let total = 0,
    evalSeconds = 0;
  for (const x of setups) {
    const b = x.stage === 'stage2' ? x.options.stageII : x.options.stageI;
    total +=
      (b.steps * stepSeconds * (b.promptsPerStep * b.groupSize)) /
      (s.options.stageI.promptsPerStep * s.options.stageI.groupSize);
    const e = x.options.eval;
    if (x.evaluate)
      evalSeconds +=
        (Math.ceil(e.problems / e.problemsPerStep) * sampleS * (e.problemsPerStep * e.n)) /
        (b.promptsPerStep * b.groupSize);
  }
  return { firstStepSeconds: (t1 - t0) / 1000, stepSeconds, evalSeconds, totalSeconds: total + evalSeconds, adapter };
}
