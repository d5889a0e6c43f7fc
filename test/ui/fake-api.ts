// A scripted stand-in for the worker contract (TrainerApi) used by the state-module tests: it keeps
// runs, metrics and checkpoints in maps, records every command, and lets a test push worker events.
import type { MetricPoint, RunRecord } from '../../src/store/records';
import type {
  Capabilities,
  CheckpointBytes,
  EventSink,
  JudgeTest,
  PageJudge,
  PreviewRecord,
  RlRunSetup,
  PretrainSetup,
  Rescore,
  RescoreSource,
  StepView,
  TrainerApi,
  WorkerEvent,
} from '../../src/worker/api';

export function runRecord(id: string, patch: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    name: `run ${id}`,
    kind: 'pretrain',
    createdAt: 1,
    updatedAt: 1,
    status: 'stopped',
    config: {},
    step: 0,
    totalSteps: 10,
    ...patch,
  };
}

export class FakeApi implements TrainerApi {
  sink?: EventSink;
  caps: Capabilities = { ok: true, adapterName: 'test adapter', isFallback: false, hasF16: true, limits: {} };
  runs: RunRecord[] = [];
  metrics = new Map<string, MetricPoint[]>();
  checkpoints = new Map<string, number>(); // run id -> latest step
  calls: string[] = [];
  failNext = new Map<string, Error>(); // command name -> error thrown once
  nextId = 1;
  previews = new Map<string, PreviewRecord[]>();
  judgeKey: string | null = null;
  judgeReply: JudgeTest = {
    ok: true,
    line: 'm at u wrote a rubric (3 checkpoints) and graded a correct answer 5/5, in 5 ms',
    reply: 'Score: 5',
    rubric: '96 · 133 · 128',
    latencyMs: 5,
  };

  emit(events: WorkerEvent[]): void {
    this.sink?.(events);
  }

  private call(name: string, arg?: unknown): void {
    this.calls.push(arg === undefined ? name : `${name}(${typeof arg === 'string' ? arg : JSON.stringify(arg)})`);
    const e = this.failNext.get(name);
    if (e) {
      this.failNext.delete(name);
      throw e;
    }
  }

  async connect(sink: EventSink) {
    this.call('connect');
    this.sink = sink;
  }
  async probe() {
    this.call('probe');
    return this.caps;
  }
  async start(setup: PretrainSetup) {
    this.call('start', setup.pretrain.steps);
    const run = runRecord(`r${this.nextId++}`, {
      name: setup.name || 'auto',
      status: 'running',
      totalSteps: setup.pretrain.steps,
      config: setup as unknown as Record<string, unknown>,
    });
    this.runs.unshift(run);
    this.emit([{ type: 'library' }, { type: 'run', run }]);
    return run;
  }
  async startRl(setups: RlRunSetup[]) {
    this.call('startRl', setups.map((s) => s.arm).join(','));
    const runs = setups.map((s) => {
      const b = s.stage === 'stage1' ? s.options.stageI : s.options.stageII;
      return runRecord(`r${this.nextId++}`, {
        name: s.name || s.arm,
        kind: 'midtrain',
        status: 'running',
        totalSteps: b.steps,
        config: s as unknown as Record<string, unknown>,
      });
    });
    this.runs.unshift(...runs);
    this.emit([{ type: 'library' }, ...runs.map((run) => ({ type: 'run' as const, run }))]);
    return runs;
  }
  async estimateRl(setups: RlRunSetup[]) {
    this.call('estimateRl', setups.length);
    return {
      firstStepSeconds: 2,
      stepSeconds: 1,
      limitStepSeconds: 3,
      evalSeconds: 4,
      totalSeconds: 28,
      adapter: 'test adapter',
    };
  }
  async corpusFacts() {
    this.call('corpusFacts');
    return { longest: 40, unigram: 2.5 };
  }
  async getPreviews(runId: string) {
    this.call('getPreviews', runId);
    return this.previews.get(runId) ?? [];
  }
  async setJudgeKey(key: string | null) {
    this.call('setJudgeKey', key === null ? 'null' : 'key');
    this.judgeKey = key;
    return key !== null && key !== '';
  }
  async testJudge(judge: Extract<PageJudge, { kind: 'llm' }>) {
    this.call('testJudge', judge.baseUrl);
    return this.judgeReply;
  }
  async pause() {
    this.call('pause');
  }
  async resume(runId: string) {
    this.call('resume', runId);
  }
  async stop() {
    this.call('stop');
  }
  async listRuns() {
    this.call('listRuns');
    return [...this.runs];
  }
  async getMetrics(runId: string) {
    this.call('getMetrics', runId);
    return this.metrics.get(runId) ?? [];
  }
  async listCheckpoints(runId: string) {
    const step = this.checkpoints.get(runId);
    return step === undefined ? [] : [{ runId, step, createdAt: 1, kind: 'latest' as const }];
  }
  async deleteRun(runId: string) {
    this.call('deleteRun', runId);
    this.runs = this.runs.filter((r) => r.id !== runId);
  }
  async exportRun(runId: string) {
    this.call('exportRun', runId);
    return new Uint8Array([1, 2, 3]);
  }
  async importRun(bytes: Uint8Array) {
    this.call('importRun', bytes.length);
    const run = runRecord(`r${this.nextId++}`, { name: 'imported' });
    this.runs.unshift(run);
    return run;
  }
  async latestCheckpoint(runId: string): Promise<CheckpointBytes | undefined> {
    const step = this.checkpoints.get(runId);
    return step === undefined ? undefined : { step, bytes: new ArrayBuffer(8) };
  }
  async loseDevice() {
    this.call('loseDevice');
  }
  stageViews: StepView[] = []; // what stepBegin, then each stepNext, answer in turn
  rescores = new Map<string, Rescore>(); // judge key ('trained' or JSON) -> what rescore answers
  async stepBegin(setup: RlRunSetup) {
    this.call('stepBegin', setup.arm);
    return this.stageView();
  }
  async stepNext() {
    this.call('stepNext');
    return this.stageView();
  }
  async stepClose() {
    this.call('stepClose');
  }
  async rescore(source: RescoreSource, judge: PageJudge | null) {
    const key = judge === null ? 'trained' : JSON.stringify(judge);
    this.call('rescore', `${source.kind}:${key}`);
    const r = this.rescores.get(key);
    if (!r) throw new Error(`no scripted re-score for ${key}`);
    return r;
  }
  private stageView(): StepView {
    const v = this.stageViews.shift();
    if (!v) throw new Error('no scripted step view left');
    return v;
  }
}
