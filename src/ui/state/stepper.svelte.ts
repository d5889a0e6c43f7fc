// The page's step-through: one RL step of a setup run a stage at a time in the worker (samples, the
// judge's grades, the advantages, the update's loss terms, what the update changed), which stage the
// user is looking at (any stage reached so far), and which problem, sample and token are picked.
// Opened from the RL tab's form or from the demo; its errors stay in its panel.

import {
  STEP_STAGES,
  type RescoreSource,
  type RlRunSetup,
  type StepStage,
  type StepView,
  type TrainerApi,
} from '../../worker/api';

export type StepperApi = Pick<TrainerApi, 'stepBegin' | 'stepNext' | 'stepClose'>;

/** What the worker is doing while a press waits, by the stage it is heading for. */
const WORKING: Record<StepStage, string> = {
  samples: 'Sampling the group of responses on the GPU…',
  judge: 'The judge grades every response…',
  advantages: 'Turning scores into advantages; log-probs before the update…',
  loss: 'Running the update on the GPU…',
  changed: 'A forward pass with the new weights…',
};

export interface StepPick {
  problem: number; // group
  sample: number; // within the group
  token: number; // -1: none
}

export class Stepper {
  view = $state.raw<StepView | undefined>(); // replaced whole by each stage (never changed in place)
  owner = $state<'rl' | 'demo' | undefined>(); // the tab that opened it
  shown = $state<StepStage>('samples'); // the stage looked at (reached already)
  pick = $state<StepPick>({ problem: 0, sample: 0, token: -1 });
  working = $state<string | undefined>();
  error = $state<string | undefined>();
  private setup?: RlRunSetup; // the setup stepped through
  private opened = 0; // counts setups opened (their steps are told apart by it)

  constructor(private readonly api: StepperApi) {}

  get open(): boolean {
    return this.owner !== undefined;
  }

  /** The step shown as a re-score source, with a key that changes with every step. */
  get source(): { source: RescoreSource; key: string } | undefined {
    return this.view && { source: { kind: 'step-through' }, key: `step-through:${this.opened}:${this.view.step}` };
  }

  /** The stages reached by the step shown (the ones the user may look at). */
  get reached(): StepStage[] {
    const v = this.view;
    return v ? STEP_STAGES.slice(0, STEP_STAGES.indexOf(v.stage) + 1) : [];
  }

  /** The stage the next press runs to. */
  get upcoming(): StepStage {
    const v = this.view;
    if (!v) return 'samples';
    const i = STEP_STAGES.indexOf(v.stage);
    return i + 1 < STEP_STAGES.length ? STEP_STAGES[i + 1] : 'samples';
  }

  /** Opens the step-through of `setup` (the one open goes on when it is the same) and shows its step's first stage. */
  async begin(setup: RlRunSetup, owner: 'rl' | 'demo'): Promise<void> {
    this.owner = owner;
    if (JSON.stringify(setup) !== JSON.stringify(this.setup)) {
      this.opened++;
      this.view = undefined;
    }
    this.setup = setup;
    await this.run('samples', () => this.api.stepBegin(setup));
  }

  /** The next stage (after the last one, the next step). */
  async next(): Promise<void> {
    if (!this.view) return;
    await this.run(this.upcoming, () => this.api.stepNext());
  }

  look(stage: StepStage): void {
    if (this.reached.includes(stage)) this.shown = stage;
  }

  choose(patch: Partial<StepPick>): void {
    // A new problem starts at its first sample, a new sample with no token, unless the patch says which.
    const reset =
      patch.problem !== undefined && patch.problem !== this.pick.problem
        ? { sample: 0, token: -1 }
        : patch.sample !== undefined
          ? { token: -1 }
          : {};
    this.pick = { ...this.pick, ...reset, ...patch };
  }

  async close(): Promise<void> {
    this.owner = undefined;
    this.view = undefined;
    this.setup = undefined;
    this.error = undefined;
    await this.api.stepClose().catch(() => undefined); // nothing to free is not a failure
  }

  private async run(to: StepStage, call: () => Promise<StepView>): Promise<void> {
    if (this.working) return;
    this.working = WORKING[to];
    this.error = undefined;
    try {
      const v = await call();
      const newStep = v.step !== this.view?.step;
      this.view = v;
      this.shown = v.stage;
      if (newStep) this.pick = { problem: 0, sample: 0, token: -1 };
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.working = undefined;
    }
  }
}
