// The experiment presets, each a complete ExperimentOptions with the reason for its budget:
// smoke (every arm, both stages, a couple of steps: CI runs it), demo (sparse GRPO against
// ExpRL-Process from the shipped checkpoint, one seed, a few minutes), paper-toy (the six main arms
// through Stage I and Stage II, 3 seeds) and ablations (ExpRL-Process against its ablation arms).
// Every field can be overridden from the command line (src/cli/experiment/experiment-args.ts).

import { ABLATION_ARMS, ARM_IDS, MAIN_ARMS } from './arms';
import type { ExperimentOptions } from './options';

/** The pre-trained checkpoint the page and the presets start from (see public/pretrained/README.md). */
export const SHIPPED_CHECKPOINT = 'public/pretrained/pretrained.ckpt';

const EVAL = { n: 8, k: 8, temperature: 0.8, problemsPerStep: 8, judgeScore: true };

const shipped: Pick<ExperimentOptions, 'start' | 'tasks' | 'rl' | 'maxNewTokens' | 'judge' | 'logDense'> = {
  start: { kind: 'checkpoint', path: SHIPPED_CHECKPOINT },
  tasks: {}, // the world's defaults (src/tasks/task-config.ts), the one the checkpoint was pre-trained on
  // method.md: rollouts at temperature 0.8 for every arm, k3 KL 0.001. A deviation: under the process modes
  // a truncated response's last segment scores 0 instead of all-zero advantages (docs/experiment.md: with
  // a length limit just past a whole solution, zero advantages let ExpRL-Process escape by running on).
  rl: { temperature: 0.8, beta: 0.001, processTruncation: 'penalize' },
  maxNewTokens: 0, // the longest correct solution + 8
  judge: { kind: 'builtin' },
  logDense: true, // the built-in judge is free: every arm gets its dense-reward curve
};

export const PRESETS: Record<string, ExperimentOptions> = {
  smoke: {
    // Everything once, as small as it goes: a 20-step pre-training of the tiny model (512-token context,
    // room for problem + reference + solution), 2 steps per stage.
    arms: [...ARM_IDS],
    seeds: [1],
    start: { kind: 'pretrain', preset: 'tiny-512', steps: 20, batchSize: 4, lr: 3e-3, docs: 200 },
    tasks: { primitiveSteps: [1, 2], hardSteps: [3, 4], nTrain: 16, nEval: 4 }, // shorter additions: a quick world
    stageI: { steps: 2, promptsPerStep: 2, groupSize: 2, lr: 1e-4 },
    stageII: { steps: 2, promptsPerStep: 2, groupSize: 2, lr: 1e-4 },
    sftLr: 1e-3,
    rl: { temperature: 1.0, beta: 0.001 },
    maxNewTokens: 0,
    eval: { problems: 4, n: 2, k: 2, temperature: 0.8, problemsPerStep: 4, judgeScore: true },
    judge: { kind: 'builtin' },
    logDense: true,
  },
  demo: {
    // The story in a few minutes: the dead zone of sparse GRPO next to ExpRL-Process on the same prompts.
    ...shipped,
    arms: ['grpo', 'process'],
    seeds: [1],
    stageI: { steps: 12, promptsPerStep: 4, groupSize: 8, lr: 3e-4 },
    stageII: { steps: 0, promptsPerStep: 4, groupSize: 8, lr: 3e-4 },
    sftLr: 1e-3,
    eval: { problems: 32, ...EVAL },
  },
  'paper-toy': {
    // The paper's comparison: six arms, Stage I then Stage II, 3 seeds, equal budgets.
    ...shipped,
    arms: [...MAIN_ARMS],
    seeds: [1, 2, 3],
    stageI: { steps: 20, promptsPerStep: 4, groupSize: 8, lr: 3e-4 },
    // Stage II at a tenth of Stage I's rate: at 3e-4 its fresh AdamW lowered both primed arms (pass@1 46% -> 37%),
    // at 3e-5 it raised them (docs/experiment.md); the authors use 1e-6 in both stages
    stageII: { steps: 8, promptsPerStep: 4, groupSize: 8, lr: 3e-5 },
    sftLr: 1e-3,
    // 128 held-out problems x 16 samples: enough to resolve pass@16 differences of a few points
    eval: { ...EVAL, problems: 128, n: 16, k: 16, problemsPerStep: 16 },
  },
  ablations: {
    // What each part of ExpRL-Process contributes: normalisation, the reference, judge noise.
    ...shipped,
    arms: [...ABLATION_ARMS],
    seeds: [1],
    stageI: { steps: 12, promptsPerStep: 4, groupSize: 8, lr: 3e-4 },
    stageII: { steps: 0, promptsPerStep: 4, groupSize: 8, lr: 3e-4 },
    sftLr: 1e-3,
    eval: { problems: 32, ...EVAL },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
