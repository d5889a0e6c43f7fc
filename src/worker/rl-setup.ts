// The setup of a page RL run as it is stored (RunRecord.config, kind 'midtrain' for Stage I and
// 'posttrain' for Stage II): one arm of the experiment table (src/experiment/arms.ts) at one stage,
// with the experiment options of a preset (src/experiment/presets.ts) the user may have edited, where
// it starts (the shipped checkpoint, or a run of the library), the judge (never its key) with its rubric
// mode, and whether the held-out evaluation follows. The types are the contract's (api.ts); the
// defaults and checks here are GPU-free, so the page's form and the worker share them.

import { ARMS, type ArmId } from '../experiment/arms';
import { PRESETS, SHIPPED_CHECKPOINT } from '../experiment/presets';
import type { Stage } from '../experiment/results';
import type { RunRecord } from '../store/records';
import type { RubricMode } from '../judge/types';
import type { PageJudge, RlField, RlRunSetup } from './api';

export const RUBRIC_MODES: readonly RubricMode[] = ['explicit', 'implicit'];

/** The rubric mode of a page judge (runs stored without one: explicit). */
export const rubricOf = (j: PageJudge): RubricMode => j.rubric ?? 'explicit';

export const DEFAULT_PAGE_JUDGE: PageJudge = {
  kind: 'builtin',
  referenceMode: 'given',
  errorRate: 0,
  rubric: 'explicit',
};
/** Where the page fetches the shipped pre-trained checkpoint (the presets' path, as served). */
export const SHIPPED_URL = SHIPPED_CHECKPOINT.replace(/^public\//, '');
export const TRACE_STEPS_KEPT = 12; // RL steps whose traces a run keeps (the most recent)

const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** A run of a preset's arm at a stage, from the shipped checkpoint, with the built-in judge. */
export function rlSetupFor(
  preset: string,
  arm: ArmId,
  stage: Stage = 'stage1',
  patch: Partial<RlRunSetup> = {},
): RlRunSetup {
  const options = copy(PRESETS[preset] ?? PRESETS.demo);
  return {
    kind: 'rl',
    name: '',
    preset,
    arm,
    stage,
    seed: options.seeds[0] ?? 1,
    options,
    start: { kind: 'shipped' },
    judge: { ...DEFAULT_PAGE_JUDGE },
    evaluate: true,
    checkpointEvery: 4,
    ...patch,
  };
}

/** The demo: the preset's arms side by side from the shipped checkpoint, one group. */
export function demoSetups(group: string, judge: PageJudge = DEFAULT_PAGE_JUDGE): RlRunSetup[] {
  return PRESETS.demo.arms.map((arm) =>
    rlSetupFor('demo', arm, 'stage1', { group, judge: copy(judge), name: `Demo · ${ARMS[arm].label}` }),
  );
}

/** The RL setup of a stored run, or undefined for other runs. */
export function rlSetupOf(run: Pick<RunRecord, 'config'>): RlRunSetup | undefined {
  const c = run.config as Partial<RlRunSetup>;
  return c && c.kind === 'rl' && typeof c.arm === 'string' && c.options ? (c as RlRunSetup) : undefined;
}

/** Field -> message for every value the worker would refuse; empty when valid. */
export function rlSetupErrors(s: RlRunSetup): Partial<Record<RlField, string>> {
  const e: Partial<Record<RlField, string>> = {};
  const int = (f: RlField, v: number, lo: number, hi: number, what: string) => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      e[f] = `${what} must be a whole number from ${lo} to ${hi.toLocaleString('en-US')}`;
  };
  const arm = ARMS[s.arm];
  if (s.name.length > 80) e.name = 'Name must be at most 80 characters';
  if (!arm) e.arm = `Unknown arm "${String(s.arm)}"`;
  else if (s.stage === 'stage1' && arm.stageI === 'none')
    e.arm = `${arm.label} has no Stage I training: evaluate the start model, or choose Stage II`;
  if (s.stage !== 'stage1' && s.stage !== 'stage2') e.stage = 'Stage must be Stage I or Stage II';
  if (s.stage === 'stage2' && s.start.kind !== 'run' && s.arm !== 'base')
    e.start =
      'Stage II starts from a Stage I run of the library (only Base starts from the shipped checkpoint): choose one';
  if (s.start.kind === 'run' && !s.start.runId) e.start = 'Choose the run to start from';
  const b = s.stage === 'stage2' ? s.options.stageII : s.options.stageI;
  int('steps', b.steps, 1, 10_000, 'Steps');
  int('promptsPerStep', b.promptsPerStep, 1, 64, 'Prompts per step');
  int('groupSize', b.groupSize, 2, 64, 'Samples per prompt');
  if (!e.promptsPerStep && !e.groupSize && b.promptsPerStep * b.groupSize > 256)
    e.groupSize = `Prompts × samples is ${b.promptsPerStep * b.groupSize}: at most 256 responses per step`;
  if (!(Number.isFinite(b.lr) && b.lr > 0 && b.lr < 1)) e.lr = 'Learning rate must be above 0 and below 1, e.g. 0.0003';
  int('seed', s.seed, 0, 2 ** 31 - 1, 'Seed');
  int('evalProblems', s.options.eval.problems, 1, 1000, 'Held-out problems');
  const j = s.judge;
  if (j.rubric !== undefined && !RUBRIC_MODES.includes(j.rubric))
    e.judge = `Unknown rubric mode "${String(j.rubric)}": explicit or implicit`;
  else if (j.kind === 'builtin') {
    if (!['given', 'none', 'wrong'].includes(j.referenceMode)) e.judge = 'Unknown reference mode';
    else if (!(j.errorRate >= 0 && j.errorRate <= 1)) e.judge = 'Judge error rate must be from 0 to 1';
  } else if (!/^https?:\/\/[^\s/]+/i.test(j.baseUrl))
    e.judge = 'The base URL must be an http(s) URL, e.g. http://127.0.0.1:11434/v1';
  else if (j.model.trim() === '') e.judge = 'Name the judge model';
  else if (!Number.isInteger(j.concurrency) || j.concurrency < 1 || j.concurrency > 16)
    e.judge = 'Concurrency must be a whole number from 1 to 16';
  else if (!(j.pricePer1kInput >= 0 && j.pricePer1kOutput >= 0)) e.judge = 'Prices must be 0 or more';
  return e;
}

export function assertRlSetup(s: RlRunSetup): void {
  const errors = Object.entries(rlSetupErrors(s));
  if (errors.length > 0) throw new Error('invalid RL setup: ' + errors.map(([k, m]) => `${k}: ${m}`).join('; '));
}

/** A readable default name: arm, stage, where it starts, seed. */
export function autoRlName(s: RlRunSetup): string {
  const from = s.start.kind === 'shipped' ? 'shipped checkpoint' : s.start.runName;
  return `${ARMS[s.arm]?.label ?? s.arm} · ${s.stage === 'stage1' ? 'Stage I' : 'Stage II'} · from ${from} · seed ${s.seed}`;
}
