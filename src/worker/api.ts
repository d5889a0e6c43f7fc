// The one contract between the page and the training worker: the commands the page calls through
// Comlink.wrap<TrainerApi>() and the events the worker sends back, batched (~10 a second) through one
// Comlink.proxy(EventSink). Only plain data and transferred ArrayBuffers cross it; no code, no GPU objects.
// The worker's own types are declared here (the worker's files import them from this file); the rest are
// plain-data types of lower layers (store records, run previews, setups, experiment options).

import type { RunRecord, MetricPoint, CheckpointRecord, PreviewRecord, RunEvaluation } from '../store/records';
import type { PretrainSetup } from '../run/pretrain-setup';
import type { CorpusChoice } from '../run/corpus';
import type { Sample, TraceSet } from '../run/previews';
import type { ArmId } from '../experiment/arms';
import type { ExperimentOptions } from '../experiment/options';
import type { Stage } from '../experiment/results';
import type { StartupReport } from '../gpu/startup';
import type { RubricMode } from '../judge/types';
import type { StepSettings, StepView } from '../run/step-stages';
import type { RescoredTrace } from '../run/rescoring';

/** What the worker found when it asked for a WebGPU adapter. */
export type Capabilities =
  | {
      ok: true;
      adapterName: string;
      isFallback: boolean; // a CPU adapter (SwiftShader): correct but slow
      hasF16: boolean; // the shader-f16 feature
      limits: Record<string, number>; // the key limits the kernels depend on
    }
  | {
      ok: false;
      reason: 'no-webgpu' | 'no-adapter' | 'device-failed';
      message: string; // what happened, in words
    };

/** The metric names the worker writes (MetricPoint.values keys): one table, src/run/metric-names.ts. */
export { METRICS, currentMetricName, type MetricName } from '../run/metric-names';
export { PERIODIC_EVERY_N_CHECKPOINTS, setupOf, type PretrainSetup } from '../run/pretrain-setup';
export type { Sample, TraceSet, TraceRecord, TraceProblem } from '../run/previews';
export type { PreviewRecord, RunEvaluation } from '../store/records';
export {
  STEP_STAGES,
  type JudgeSight,
  type StepSettings,
  type StepStage,
  type StepView,
  type TokenUpdates,
} from '../run/step-stages';
export type { RescoredTrace } from '../run/rescoring';
export {
  DEFAULT_PAGE_JUDGE,
  RUBRIC_MODES,
  TRACE_STEPS_KEPT,
  autoRlName,
  demoSetups,
  rlSetupErrors,
  rlSetupFor,
  rlSetupOf,
  rubricOf,
} from './rl-setup';

/** The judge of a page run. The LLM judge's API key is not here: it stays in the worker's memory.
 *  `rubric` is how every grade of the run gets a problem's checkpoints (runs stored without it: explicit). */
export type PageJudge =
  | { kind: 'builtin'; referenceMode: 'given' | 'none' | 'wrong'; errorRate: number; rubric?: RubricMode }
  | {
      kind: 'llm';
      baseUrl: string;
      model: string;
      concurrency: number;
      timeoutS: number;
      pricePer1kInput: number;
      pricePer1kOutput: number;
      rubric?: RubricMode;
    };

export type RlStartFrom = { kind: 'shipped' } | { kind: 'run'; runId: string; runName: string; step?: number };

export interface RlRunSetup {
  kind: 'rl'; // tells RL setups apart from pre-training ones in stored records
  name: string;
  preset: string; // the experiment preset the options came from
  arm: ArmId;
  stage: Stage;
  seed: number;
  options: ExperimentOptions; // as run (the preset's, with the form's edits)
  start: RlStartFrom;
  judge: PageJudge;
  evaluate: boolean; // evaluate on the held-out problems when the training ends
  group?: string; // runs started together (the demo's two arms) share it
  checkpointEvery: number;
}

/** The fields of an RL setup a message can point at (rlSetupErrors). */
export type RlField =
  | 'name'
  | 'arm'
  | 'stage'
  | 'start'
  | 'steps'
  | 'promptsPerStep'
  | 'groupSize'
  | 'lr'
  | 'seed'
  | 'judge'
  | 'evalProblems';

/** Counters of a run's judge, for the page (no key, no texts). */
export interface JudgeStatsView {
  judge: string; // its name
  calls: number;
  cacheHits: number;
  failures: Record<string, number>; // failed grades by cause
  meanLatencyMs: number;
  cost: number;
  fatal: string | null;
}

/** The connection test's outcome; `rubric` and `reply` are what the judge answered (no rubric request in implicit mode). */
export type JudgeTest =
  | { ok: true; line: string; reply: string; rubric?: string; latencyMs: number }
  | { ok: false; line: string; cors: boolean; rubric?: string; reply?: string };

export type ErrorKind =
  | 'quota' // storage full: the run is paused, nothing already saved is lost
  | 'device-lost' // the GPU device was lost: the run can resume from its last checkpoint
  | 'training' // the step failed (e.g. NaN loss): the run is marked failed
  | 'storage' // another IndexedDB failure
  | 'judge' // the judge cannot grade (wrong key, no server, CORS): the run stopped
  | 'other';

export type WorkerEvent =
  | { type: 'run'; run: RunRecord } // a run record changed (status, step, error)
  | { type: 'metrics'; runId: string; points: MetricPoint[] } // new steps, in order
  | { type: 'samples'; runId: string; step: number; temperature: number; samples: Sample[] }
  | { type: 'traces'; runId: string; traces: TraceSet } // every response of an RL step
  | { type: 'eval'; runId: string; done: number; total: number; result?: RunEvaluation } // held-out evaluation progress
  | { type: 'judge'; runId: string; stats: JudgeStatsView } // the judge's counters so far
  | { type: 'checkpoint'; runId: string; step: number; kind: CheckpointRecord['kind'] }
  | { type: 'startup'; runId: string; report: StartupReport } // Start (or Resume) -> the first finished step
  | { type: 'error'; runId?: string; kind: ErrorKind; message: string }
  | { type: 'library' }; // the list of runs changed (created, deleted, imported)

/** The name of the error estimateRl ends with when a run was started while it measured. */
export const ESTIMATE_YIELDED = 'EstimateYielded';

/** How long RL runs will take on this device, from real steps timed here (time-estimate.ts). */
export interface RlEstimate {
  firstStepSeconds: number; // the first step, pipelines compiled
  stepSeconds: number; // a step once compiled, at the start length (the mean of the timed ones)
  limitStepSeconds: number | null; // a step whose responses all ran to the length limit (null: not timed)
  evalSeconds: number; // the held-out evaluations
  totalSeconds: number; // training and evaluation of every setup
  adapter: string;
}

/** The step a re-score grades again: the one the step-through holds, or a stored step of a run. */
export type RescoreSource = { kind: 'step-through' } | { kind: 'run'; runId: string; step: number };

/** A step's samples graded again, in the order of its traces, with the run's settings the advantages need. */
export interface Rescore {
  judge: string; // the judge's name
  traces: RescoredTrace[];
  settings: StepSettings;
}

/** The page's single callback; receives events in the order they happened. */
export type EventSink = (events: WorkerEvent[]) => void;

/** A checkpoint as the test hook and the export compare it. */
export interface CheckpointBytes {
  step: number;
  bytes: ArrayBuffer;
}

/** The worker's commands. Every method rejects with an Error whose message says why. */
export interface TrainerApi {
  /** Registers the page's event callback (a Comlink.proxy); call once before anything else. */
  connect(sink: EventSink): Promise<void>;
  /** Asks for an adapter and a device; never throws: failures come back as { ok: false }. */
  probe(): Promise<Capabilities>;

  /** Creates a run in the store and starts training it. Refused while another run is training. */
  start(setup: PretrainSetup): Promise<RunRecord>;
  /** Creates RL runs (one arm and stage each; several only as one group, e.g. the demo) and trains them side by side. */
  startRl(setups: RlRunSetup[]): Promise<RunRecord[]>;
  /** Times steps of the first setup here (one at the length limit) and estimates the whole (refused while
   *  a run trains; ends with an ESTIMATE_YIELDED error when a run is started before it is done). */
  estimateRl(setups: RlRunSetup[]): Promise<RlEstimate>;
  /** Lets the steps in flight finish, checkpoints, and leaves the runs paused (resolves when they are). */
  pause(): Promise<void>;
  /** Continues the paused run, or loads any run from its latest checkpoint and continues it. */
  resume(runId: string): Promise<void>;
  /** Lets the steps in flight finish, checkpoints, and ends the runs (they can still be resumed later). */
  stop(): Promise<void>;

  listRuns(): Promise<RunRecord[]>; // newest first
  getMetrics(runId: string): Promise<MetricPoint[]>; // by step
  getPreviews(runId: string): Promise<PreviewRecord[]>; // generations and RL traces kept with the run
  listCheckpoints(runId: string): Promise<Omit<CheckpointRecord, 'bytes'>[]>;
  deleteRun(runId: string): Promise<void>; // refused for the run being trained
  exportRun(runId: string): Promise<Uint8Array>; // one file: record, metrics, latest checkpoint
  importRun(bytes: Uint8Array): Promise<RunRecord>; // a new run (new id); clear errors for bad files
  latestCheckpoint(runId: string): Promise<CheckpointBytes | undefined>;

  /** Builds a pre-training corpus here (off the page's thread): its longest document (tokens) and unigram entropy (nats/token). */
  corpusFacts(choice: CorpusChoice): Promise<{ longest: number; unigram: number }>;
  /** Keeps the LLM judge's API key in the worker's memory (null forgets it); resolves whether one is set. */
  setJudgeKey(key: string | null): Promise<boolean>;
  /** The requests a run begins with, to an OpenAI-compatible endpoint: the replies, or one line on why not (a CORS refusal named as such). */
  testJudge(judge: Extract<PageJudge, { kind: 'llm' }>): Promise<JudgeTest>;

  /** Opens a step-through of a setup (its own policy from the start weights; nothing is stored) and samples its
   *  next step; the setup open already goes on from its current state. Refused while a run trains. */
  stepBegin(setup: RlRunSetup): Promise<StepView>;
  /** Runs the step-through's next stage (the update runs between 'advantages' and 'loss'; after 'changed', the next step). */
  stepNext(): Promise<StepView>;
  /** Frees the step-through (a run started meanwhile frees it too). */
  stepClose(): Promise<void>;
  /** Grades a step's samples again with `judge` (null: the judge the run trained with); cached per step and judge. */
  rescore(source: RescoreSource, judge: PageJudge | null): Promise<Rescore>;

  /** Destroys the GPU device as a driver reset would; the page's e2e test hook (?e2e=1) only. */
  loseDevice(): Promise<void>;
}
