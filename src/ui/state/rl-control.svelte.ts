// The RL side of the page's controller: the one-click demo (its time estimate first), RL runs from the
// setup form, the judge settings, and which runs the RL panels show. Commands go through the
// AppState's command wrapper (pending state, notices); this module never talks to the GPU.

import type { RunRecord } from '../../store/records';
import {
  DEFAULT_PAGE_JUDGE,
  ESTIMATE_YIELDED,
  demoSetups,
  rlSetupOf,
  type RlEstimate,
  type RlRunSetup,
  type TrainerApi,
  type WorkerEvent,
} from '../../worker/api';
import { JudgeForm } from './judge-form.svelte';
import type { PrefStorage } from './prefs.svelte';
import { RlForm, parseRl } from './rl-form.svelte';
import { RlState } from './rl.svelte';
import { Stepper } from './stepper.svelte';
import { WhatIf } from './what-if.svelte';

export type RlControlApi = Pick<
  TrainerApi,
  | 'startRl'
  | 'estimateRl'
  | 'getMetrics'
  | 'getPreviews'
  | 'setJudgeKey'
  | 'testJudge'
  | 'stepBegin'
  | 'stepNext'
  | 'stepClose'
  | 'rescore'
>;

/** Whether a run belongs to a demo (its group was made by startDemo). */
export const isDemoRun = (r: RunRecord) => (rlSetupOf(r)?.group ?? '').startsWith('demo-');

export class RlControl {
  readonly demo: RlState; // the demo tab's runs
  readonly runs: RlState; // the RL tab's runs (started there, or chosen from the library)
  readonly form = new RlForm();
  readonly judge: JudgeForm;
  readonly stepper: Stepper; // one update of a setup, stage by stage
  readonly stepWhatIf: WhatIf; // other modes and judges on the step-through's samples
  readonly rescore: WhatIf; // the same on the inspector's stored step
  estimate = $state<RlEstimate | undefined>();
  estimating = $state(false);
  estimateError = $state<string | undefined>();
  fromLink = $state(false); // the setup forms were filled from a shared link

  constructor(
    private readonly api: RlControlApi,
    storage?: PrefStorage,
  ) {
    this.demo = new RlState(api);
    this.runs = new RlState(api);
    this.judge = new JudgeForm(api, storage);
    this.stepper = new Stepper(api);
    const llm = () => (this.judge.result.judge?.kind === 'llm' ? this.judge.result.judge : undefined);
    this.stepWhatIf = new WhatIf(api, () => this.stepper.source, llm);
    this.rescore = new WhatIf(
      api,
      () => {
        const [run, set] = [this.runs.inspected?.run, this.runs.traceSet];
        return run && set && { source: { kind: 'run', runId: run.id, step: set.step }, key: `${run.id}:${set.step}` };
      },
      llm,
    );
  }

  /** Steps through one update of the form's setup (its errors stay beside the fields). */
  async stepForm(library: readonly RunRecord[]): Promise<void> {
    const judge = this.judge.result.judge;
    const setup = judge && parseRl(this.form.fields, library, judge).setup;
    if (!setup) {
      this.stepper.error = 'the RL setup or the judge settings have a refused value: see the messages beside them';
      return;
    }
    await this.stepper.begin(setup, 'rl');
  }

  /** Steps through one update of one of the demo's arms, from the shipped checkpoint. */
  async stepDemo(arm: RlRunSetup['arm']): Promise<void> {
    const setup = this.demoSetups('step-through').find((s) => s.arm === arm);
    if (setup) await this.stepper.begin(setup, 'demo');
  }

  /** The demo's setups with the judge of the settings (the built-in one unless the user chose another). */
  demoSetups(group = `demo-${Date.now().toString(36)}`): RlRunSetup[] {
    const judge = this.judge.result.judge ?? DEFAULT_PAGE_JUDGE;
    return demoSetups(group, judge);
  }

  /** Times real steps on this device, once per page (never while a run trains). */
  async measure(): Promise<void> {
    if (this.estimating || this.estimate) return;
    this.estimating = true;
    this.estimateError = undefined;
    try {
      this.estimate = await this.api.estimateRl(this.demoSetups('estimate'));
    } catch (e) {
      // A run started meanwhile: no estimate now; the page measures again once nothing trains.
      if (!(e instanceof Error && e.name === ESTIMATE_YIELDED))
        this.estimateError = e instanceof Error ? e.message : String(e);
    } finally {
      this.estimating = false;
    }
  }

  async startDemo(): Promise<RunRecord[]> {
    const setups = this.demoSetups();
    const runs = await this.api.startRl(setups);
    await this.demo.show(runs, setups[0].group);
    return runs;
  }

  /** Starts the form's run; its errors stay beside their fields when it is not valid. */
  async startForm(library: readonly RunRecord[]): Promise<RunRecord[]> {
    const judge = this.judge.result.judge;
    if (!judge) throw new Error('the judge settings have a refused value: see the Judge section');
    const { setup } = parseRl(this.form.fields, library, judge);
    if (!setup) throw new Error('the RL setup has a refused value: see the messages beside the fields');
    const runs = await this.api.startRl([setup]);
    await this.runs.show(runs);
    return runs;
  }

  /** After a reload: the newest demo comes back into the demo tab, with its stored traces. */
  async restore(library: readonly RunRecord[]): Promise<void> {
    const newest = library.find(isDemoRun);
    const group = newest && rlSetupOf(newest)?.group;
    if (group && this.demo.views.length === 0)
      await this.demo.show(library.filter((r) => rlSetupOf(r)?.group === group).reverse(), group);
  }

  apply(events: readonly WorkerEvent[]): void {
    this.demo.apply(events);
    this.runs.apply(events);
  }
}
