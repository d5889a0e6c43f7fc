// The page's controller: wires the worker contract to the state modules (capability, setup, live view,
// library, notices, preferences) and runs the commands the buttons call. Components read these states
// and call these methods; the few that ask the worker for read-only facts (a corpus's measures, a demo's
// records for its replay) do so through `app.api`, never around it. Tests drive it with a fake api.

import { rlSetupOf, setupOf, type EventSink, type TrainerApi, type WorkerEvent } from '../../worker/api';
import type { RunRecord } from '../../store/records';
import { CapabilityState } from './capability.svelte';
import { Library } from './library.svelte';
import { PretrainView, type SampleSet } from './live.svelte';
import { Notices } from './notices.svelte';
import { Prefs, type PrefStorage } from './prefs.svelte';
import { PretrainForm } from './pretrain-form.svelte';
import { RlControl, isDemoRun } from './rl-control.svelte';
import { Replay } from './replay.svelte';
import { ResultsView } from './results-view.svelte';
import { readSetupLink } from './share-link';
import { DEFAULT_JUDGE_FIELDS } from './judge-form.svelte';

export type Pending = 'starting' | 'pausing' | 'resuming' | 'stopping';

export interface AppOptions {
  storage?: PrefStorage;
  wrapSink?: (sink: EventSink) => EventSink; // Comlink.proxy in the page; identity in tests
}

export class AppState {
  readonly prefs: Prefs;
  readonly capability = new CapabilityState();
  readonly setup = new PretrainForm();
  readonly live = new PretrainView();
  readonly library: Library;
  readonly notices = new Notices();
  readonly rl: RlControl;
  readonly replay = new Replay();
  readonly results = new ResultsView();
  pending = $state<Pending | undefined>();
  private training = $state<string | undefined>(); // id of the run training in the worker, from its events

  constructor(
    readonly api: TrainerApi,
    private readonly opts: AppOptions = {},
  ) {
    this.prefs = new Prefs(opts.storage);
    this.library = new Library(api);
    this.rl = new RlControl(api, opts.storage);
  }

  /** Connects to the worker, checks WebGPU, loads the library and shows the newest run. */
  async init(hasWebGpu: boolean): Promise<void> {
    const sink: EventSink = (events) => this.onEvents(events);
    await this.api.connect(this.opts.wrapSink ? this.opts.wrapSink(sink) : sink);
    const caps = await this.capability.check(this.api, hasWebGpu);
    if (!caps.ok) return;
    await this.guard('load the runs library', () => this.library.refresh());
    await this.guard('use the judge key kept on this device', () => this.rl.judge.restore());
    await this.guard('show the latest demo', () => this.rl.restore(this.library.runs));
    const newest = this.library.runs.find((r) => r.kind === 'pretrain');
    if (newest && !this.live.run) await this.guard('show the latest run', () => this.open(newest.id, false));
  }

  /** The worker could not load or crashed: explain it instead of waiting forever. */
  workerFailed(message: string): void {
    const text = `The training worker stopped: ${message}`;
    if (this.capability.status === 'checking') {
      this.capability.caps = { ok: false, reason: 'device-failed', message: text };
      this.capability.status = 'unsupported';
    } else this.notices.push('error', 'The training worker stopped', `${text}. Reload the page; saved runs are kept.`);
  }

  /** The id of the run training in the worker right now, if any (whichever run the live view shows). */
  get trainingId(): string | undefined {
    return this.training;
  }

  onEvents(events: readonly WorkerEvent[]): void {
    for (const e of events) {
      if (e.type === 'run') {
        const starts = e.run.status === 'running' && this.training !== e.run.id;
        if (e.run.status === 'running') {
          this.training = e.run.id;
          this.notices.runTraining(e.run.id); // a lost device or a full disk is behind it now
        } else if (this.training === e.run.id) this.training = undefined;
        // A run that starts training (from here or from the library) becomes the live one; later
        // updates of it do not pull the view back if the user opened another run meanwhile.
        if (starts && e.run.kind === 'pretrain' && e.run.id !== this.live.run?.id) {
          this.live.show(e.run, []);
          void this.backfill(e.run.id);
        }
      }
      if (e.type === 'error') this.notices.fromWorker(e.kind, e.message, e.runId);
    }
    this.live.apply(events);
    this.rl.apply(events);
    if (this.library.apply(events)) void this.guard('refresh the runs library', () => this.library.refresh());
  }

  async start(): Promise<void> {
    const { setup } = this.setup.result;
    if (!setup || this.pending) return;
    await this.command('starting', 'start the run', async () => {
      const run = await this.api.start(setup);
      if (this.live.run?.id !== run.id) this.live.show(run, []);
      this.prefs.tab = 'train';
    });
  }

  /** The one-click demo: both arms from the shipped checkpoint, side by side, then their evaluation. */
  startDemo(): Promise<void> {
    return this.command('starting', 'start the demo', async () => {
      this.prefs.tab = 'demo';
      await this.rl.startDemo();
    });
  }

  /**
   * Opens a shared setup link (the page address's fragment): its RL setup and judge settings fill the
   * RL tab's forms, which is shown. False (and nothing changed) for any other fragment.
   */
  openSetupLink(hash: string): boolean {
    const shared = readSetupLink(hash);
    if (!shared) return false;
    this.rl.form.load(shared.rl);
    this.rl.judge.set({ ...DEFAULT_JUDGE_FIELDS, ...shared.judge });
    this.rl.fromLink = true;
    this.prefs.tab = 'rl';
    return true;
  }

  /** The RL setup form's run. */
  startRl(): Promise<void> {
    return this.command('starting', 'start the RL run', async () => {
      await this.rl.startForm(this.library.runs);
      this.prefs.tab = 'rl';
    });
  }

  /** Shows runs of the library in the RL tab (or adds one to what it shows). */
  async openRl(id: string, add = false): Promise<void> {
    const run = this.library.runs.find((r) => r.id === id);
    if (!run) return;
    await this.guard('show the run', async () => {
      if (add) await this.rl.runs.overlay(run);
      else await this.rl.runs.show([run]);
      this.prefs.tab = 'rl';
    });
  }

  pause(): Promise<void> {
    return this.command('pausing', 'pause the run', () => this.api.pause());
  }

  stop(): Promise<void> {
    return this.command('stopping', 'stop the run', () => this.api.stop());
  }

  /** Continues a run: the paused one in the worker, or any run from its latest checkpoint. */
  resume(id: string): Promise<void> {
    return this.command('resuming', 'resume the run', async () => {
      const run = this.library.runs.find((r) => r.id === id);
      const checkpoint = this.library.checkpoints[id] ?? this.live.checkpointStep;
      if (run && run.kind !== 'pretrain') return this.resumeRl(run);
      if (this.live.run?.id !== id) await this.open(id, false);
      this.prefs.tab = 'train';
      // The steps after the checkpoint are trained again: the view goes back to it at once.
      if (checkpoint !== undefined && this.live.run?.status !== 'paused') this.live.rewind(checkpoint);
      await this.api.resume(id);
    });
  }

  /** An RL run (with the other unfinished runs of its group) continues from its checkpoint. */
  private async resumeRl(run: RunRecord): Promise<void> {
    const group = rlSetupOf(run)?.group;
    const members = group
      ? this.library.runs.filter((r) => rlSetupOf(r)?.group === group && r.status !== 'done')
      : [run];
    const state = isDemoRun(run) ? this.rl.demo : this.rl.runs;
    if (!members.every((m) => state.views.some((v) => v.run.id === m.id)))
      await state.show(members.slice().reverse(), group);
    this.prefs.tab = isDemoRun(run) ? 'demo' : 'rl';
    for (const m of members) {
      const cp = this.library.checkpoints[m.id];
      if (m.status !== 'paused') state.views.find((v) => v.run.id === m.id)?.truncate(cp ?? 0);
      await this.api.resume(m.id);
    }
  }

  /** Shows a stored run in the live view (its metrics so far); `switchTab` moves to the Train tab. */
  async open(id: string, switchTab = true): Promise<void> {
    const run = this.library.runs.find((r) => r.id === id);
    if (!run) throw new Error('this run is no longer in the library');
    const [points, previews] = await Promise.all([this.api.getMetrics(id), this.api.getPreviews(id)]);
    this.live.show(run, points, this.library.checkpoints[id]);
    this.live.samples = previews
      .filter((p) => p.kind === 'samples')
      .map((p) => ({ step: p.step, ...(p.data as Omit<SampleSet, 'step'>) }))
      .sort((a, b) => b.step - a.step);
    if (switchTab) this.prefs.tab = 'train';
  }

  /** Copies the settings of the shown run into the setup form (name cleared); false if it has none. */
  reuseSettings(): boolean {
    const setup = this.live.run && setupOf(this.live.run);
    if (!setup) return false;
    this.setup.load({ ...setup, name: '' });
    return true;
  }

  async remove(id: string): Promise<void> {
    await this.guard('delete the run', async () => {
      await this.library.remove(id);
      this.notices.runDeleted(id);
      if (this.live.run?.id === id) this.live.clear();
    });
  }

  /** Stored history of a run that began training while another was shown (e.g. resumed elsewhere). */
  private async backfill(id: string): Promise<void> {
    const points = await this.api.getMetrics(id).catch(() => []);
    if (this.live.run?.id === id) this.live.addHistory(points);
  }

  private async command(what: Pending, verb: string, fn: () => Promise<void>): Promise<void> {
    if (this.pending && what !== 'stopping') return;
    this.pending = what;
    try {
      await fn();
      this.notices.commandSucceeded(verb);
    } catch (e) {
      this.notices.fromCommand(verb, e);
    } finally {
      if (this.pending === what) this.pending = undefined;
    }
  }

  private async guard(verb: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.notices.commandSucceeded(verb);
    } catch (e) {
      this.notices.fromCommand(verb, e);
    }
  }
}
