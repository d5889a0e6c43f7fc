// The RL setup form: every arm of the experiment table at Stage I or Stage II, the knobs of an
// experiment preset (steps, prompts and samples per step, learning rate, seed, held-out problems),
// and where it starts: the shipped checkpoint or any run of the library (Stage II from a Stage I run).
// Parsed on every edit; each refused value gets its message beside its field (rlSetupErrors).

import { ARMS, ARM_IDS, type ArmId } from '../../experiment/arms';
import { PRESETS, PRESET_NAMES } from '../../experiment/presets';
import type { Stage } from '../../experiment/results';
import type { RunRecord } from '../../store/records';
import { rlSetupErrors, rlSetupFor, rlSetupOf, type PageJudge, type RlField, type RlRunSetup } from '../../worker/api';

export interface RlFields {
  name: string;
  preset: string;
  arm: ArmId;
  stage: Stage;
  start: string; // '' = the shipped checkpoint, else a run id of the library
  steps: string;
  promptsPerStep: string;
  groupSize: string;
  lr: string;
  seed: string;
  evalProblems: string;
  evaluate: boolean;
}

export type RlErrors = Partial<Record<RlField, string>>;

export function rlFieldsFor(preset = 'demo', arm: ArmId = 'process', stage: Stage = 'stage1'): RlFields {
  const o = PRESETS[preset] ?? PRESETS.demo;
  const b = stage === 'stage2' ? o.stageII : o.stageI;
  return {
    name: '',
    preset,
    arm,
    stage,
    start: '',
    steps: String(b.steps || o.stageI.steps),
    promptsPerStep: String(b.promptsPerStep),
    groupSize: String(b.groupSize),
    lr: String(b.lr),
    seed: String(o.seeds[0] ?? 1),
    evalProblems: String(o.eval.problems),
    evaluate: true,
  };
}

/** Runs of the library an RL run can start from: any with a checkpoint (Stage II: RL or SFT runs of Stage I). */
export function startChoices(
  runs: readonly RunRecord[],
  checkpoints: Record<string, number | undefined>,
  stage: Stage,
): RunRecord[] {
  return runs.filter(
    (r) => checkpoints[r.id] !== undefined && (stage === 'stage1' || rlSetupOf(r)?.stage === 'stage1'),
  );
}

export function parseRl(
  f: RlFields,
  runs: readonly RunRecord[],
  judge: PageJudge,
): { setup?: RlRunSetup; errors: RlErrors } {
  const errors: RlErrors = {};
  const num = (k: RlField, text: string, what: string) => {
    const t = text.trim();
    const v = t === '' ? NaN : Number(t);
    if (!Number.isFinite(v)) errors[k] = t === '' ? `${what} is required` : `${what} must be a number`;
    return v;
  };
  const from = runs.find((r) => r.id === f.start);
  const base = rlSetupFor(f.preset, f.arm, f.stage, {
    name: f.name.trim(),
    judge,
    evaluate: f.evaluate,
    start: f.start === '' ? { kind: 'shipped' } : { kind: 'run', runId: f.start, runName: from?.name ?? f.start },
  });
  const budget = {
    steps: num('steps', f.steps, 'Steps'),
    promptsPerStep: num('promptsPerStep', f.promptsPerStep, 'Prompts per step'),
    groupSize: num('groupSize', f.groupSize, 'Samples per prompt'),
    lr: num('lr', f.lr, 'Learning rate'),
  };
  const o = base.options;
  if (f.stage === 'stage2') o.stageII = budget;
  else o.stageI = budget;
  o.arms = [f.arm];
  o.eval.problems = num('evalProblems', f.evalProblems, 'Held-out problems');
  base.seed = num('seed', f.seed, 'Seed');
  o.seeds = [base.seed];
  if (f.start !== '' && !from) errors.start = 'That run is no longer in the library';
  for (const [k, m] of Object.entries(rlSetupErrors(base)) as [RlField, string][]) errors[k] ??= m;
  return Object.keys(errors).length === 0 ? { setup: base, errors } : { errors };
}

export class RlForm {
  fields = $state<RlFields>(rlFieldsFor());
  readonly presets = PRESET_NAMES;
  readonly arms = ARM_IDS.map((id) => ({ id, label: ARMS[id].label, why: ARMS[id].why, stageI: ARMS[id].stageI }));

  set(patch: Partial<RlFields>): void {
    const next = { ...this.fields, ...patch };
    // A new preset or stage brings its budget; the arm and start stay.
    if (patch.preset !== undefined || patch.stage !== undefined) {
      const d = rlFieldsFor(next.preset, next.arm, next.stage);
      Object.assign(next, {
        steps: d.steps,
        promptsPerStep: d.promptsPerStep,
        groupSize: d.groupSize,
        lr: d.lr,
        evalProblems: d.evalProblems,
      });
    }
    this.fields = next;
  }

  /** A setup from a shared link: its preset's budget under the link's values; it starts from the shipped model. */
  load(shared: Partial<RlFields>): void {
    const d = rlFieldsFor(shared.preset ?? this.fields.preset, shared.arm ?? 'process', shared.stage ?? 'stage1');
    this.fields = { ...d, ...shared, start: '' };
  }

  /** Stage II from this run (the library's "continue with Stage II"). */
  stage2From(run: RunRecord): void {
    const arm = rlSetupOf(run)?.arm ?? 'process';
    this.set({ stage: 'stage2', start: run.id, arm, preset: rlSetupOf(run)?.preset ?? this.fields.preset });
  }
}
