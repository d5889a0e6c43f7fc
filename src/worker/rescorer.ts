// Re-scores for the page: a step's samples graded again by a judge setting (the run's own, or another),
// for the step-through's step in memory or a stored step of a run (its setup rebuilds the problems and
// the arm's settings). Results are kept per step and judge, so switching back and forth costs nothing;
// an LLM judge also keeps its grades in its IndexedDB cache across sessions.

import { ARMS } from '../experiment/arms';
import { armScoring, type ArmScoring } from '../experiment/arm-scoring';
import { judgeProblem } from '../run/scorers';
import { rescoreSet } from '../run/rescoring';
import { stepSettings, type StepSettings } from '../run/step-stages';
import type { TraceSet } from '../run/previews';
import type { Store } from '../store/store';
import type { JudgeSlot } from './judge-slot';
import type { PageJudge, Rescore, RlRunSetup } from './api';
import { rlSetupOf, rubricOf } from './rl-setup';
import { judgeLabel, trainedJudge } from './trained-judge';

const KEPT = 32; // re-scores kept (the most recent)

type Samples = Pick<TraceSet, 'G' | 'problems'> & { traces: { response: string; truncated: boolean }[] };

/** The settings line of an arm's setup (the judge it trained with; none for the answer checker). */
export function settingsOf(setup: RlRunSetup, scoring: Pick<ArmScoring, 'cfg'>): StepSettings {
  const arm = ARMS[setup.arm];
  const scorer = setup.stage === 'stage1' ? (arm.scorer ?? 'sparse') : 'sparse';
  const label = setup.stage === 'stage1' ? arm.label : `${arm.label} (Stage II)`;
  return stepSettings(
    scoring.cfg,
    { id: arm.id, label, scorer },
    scorer === 'sparse' ? '' : judgeLabel(trainedJudge(setup)),
  );
}

export class Rescorer {
  private kept = new Map<string, Promise<Rescore>>();

  constructor(private readonly judges: JudgeSlot) {}

  /** A stored step of a run of the library, graded again. */
  async stored(store: Store, runId: string, step: number, judge: PageJudge | null): Promise<Rescore> {
    const run = await store.getRun(runId);
    const setup = run && rlSetupOf(run);
    if (!setup) throw new Error('this run is not an RL run of this page: there is nothing to re-score');
    const set = (await store.getPreviews(runId)).find((p) => p.kind === 'traces' && p.step === step)?.data as
      TraceSet | undefined;
    if (!set) throw new Error(`the run keeps no samples of step ${step} (it keeps its most recent steps only)`);
    const scoring = armScoring(setup.options, setup.arm, setup.stage, setup.seed);
    return this.samples(`run:${runId}:${step}`, set, setup, scoring, judge);
  }

  /** Samples in memory (`key` names them for the cache), graded again. */
  samples(
    key: string,
    set: Samples,
    setup: RlRunSetup,
    scoring: ArmScoring,
    judge: PageJudge | null,
  ): Promise<Rescore> {
    const j = judge ?? trainedJudge(setup);
    const k = `${key}|${JSON.stringify(j)}`;
    let p = this.kept.get(k);
    if (!p) {
      p = (async () => {
        const grader = await this.judges.create(j, setup.seed, scoring.pool.map(judgeProblem));
        const traces = await rescoreSet(set, scoring.problems, grader, rubricOf(j));
        return { judge: judgeLabel(j), traces, settings: settingsOf(setup, scoring) };
      })();
      p.catch(() => this.kept.delete(k));
      this.kept.set(k, p);
      while (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value as string);
    }
    return p;
  }
}
