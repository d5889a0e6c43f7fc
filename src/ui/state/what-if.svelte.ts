// "What if" for one step's samples, without training: another advantage mode (recomputed from the
// scores) or another judge setting (the samples re-scored in the worker: the built-in judge without the
// reference, with a wrong one, with random grades, or the LLM endpoint of the judge settings), and how
// the advantages would differ from the ones the loss used. Re-scores are kept per step and judge.

import { ARMS } from '../../experiment/arms';
import type { AdvantageMode } from '../../rl/advantages';
import { advantagesFor, compareAdvantages, type AdvantageDiff, type AllScores } from '../../rl/what-if-advantages';
import { allScoresOf } from '../../run/rescoring';
import type { PageJudge, Rescore, RescoreSource, TrainerApi } from '../../worker/api';

export type JudgeChoice = 'trained' | 'given' | 'none' | 'wrong' | 'noisy' | 'llm';

const NOISY = ARMS['noisy-judge'].judge?.errorRate ?? 0; // the noisy-judge arm's share of random grades

export const JUDGE_CHOICES: { id: JudgeChoice; label: string }[] = [
  { id: 'trained', label: 'the judge it trained with' },
  { id: 'given', label: 'built-in judge, true reference' },
  { id: 'none', label: 'built-in judge, no reference' },
  { id: 'wrong', label: "built-in judge, another problem's reference" },
  { id: 'noisy', label: `built-in judge, ${Math.round(NOISY * 100)}% random grades` },
  { id: 'llm', label: 'the LLM judge of the judge settings' },
];

/** The advantage modes in words. */
export const MODE_NAMES: Record<AdvantageMode | 'opsd', string> = {
  'sparse-grpo': 'GRPO, 0/1 answer reward',
  outcome: 'GRPO, judge whole-response score (Outcome)',
  'delta-norm': 'DeltaNorm, per-step scores (Process)',
  'end-norm': 'EndNorm, per-step scores',
  'group-norm': 'GroupNorm, per-step scores',
  opsd: 'self-distillation log-ratio',
};

/** The responses of a step as the loss saw them (the baseline a what-if is compared with). */
export interface Baseline {
  G: number;
  traces: { tokens: number[]; truncated: boolean; correct: 0 | 1; advantages: number[]; mask: number[] }[];
}

export interface WhatIfResult {
  mode: AdvantageMode;
  all: AllScores[]; // every response's scores under the chosen judge
  advantages: Float32Array[];
  masks: Float32Array[];
  diff: AdvantageDiff;
}

export class WhatIf {
  mode = $state<AdvantageMode | 'trained'>('trained');
  judge = $state<JudgeChoice>('trained');
  rescore = $state.raw<Rescore | undefined>(); // the chosen judge's grades of the samples
  private of = $state<string | undefined>(); // the samples `rescore` graded (the source's key)
  loading = $state(false);
  error = $state<string | undefined>();
  private kept = new Map<string, Rescore>();

  constructor(
    private readonly api: Pick<TrainerApi, 'rescore'>,
    private readonly source: () => { source: RescoreSource; key: string } | undefined,
    private readonly llm: () => PageJudge | undefined,
  ) {}

  get active(): boolean {
    return this.mode !== 'trained' || this.judge !== 'trained';
  }

  /** The page judge of a choice (null: the run's own); undefined when the settings hold no LLM judge. */
  judgeOf(c: JudgeChoice): PageJudge | null | undefined {
    if (c === 'trained') return null;
    if (c === 'llm') return this.llm();
    const referenceMode = c === 'none' ? 'none' : c === 'wrong' ? 'wrong' : 'given';
    return { kind: 'builtin', referenceMode, errorRate: c === 'noisy' ? NOISY : 0 };
  }

  /** Sets the mode and/or the judge, and grades the samples again when needed. */
  async choose(patch: { mode?: AdvantageMode | 'trained'; judge?: JudgeChoice }): Promise<void> {
    if (patch.mode !== undefined) this.mode = patch.mode;
    if (patch.judge !== undefined) this.judge = patch.judge;
    const src = this.source();
    if (!this.active || !src) return;
    const judge = this.judgeOf(this.judge);
    if (judge === undefined) {
      this.error = 'the judge settings hold no LLM judge: set its URL and model in the judge settings first';
      return;
    }
    const key = `${src.key}|${JSON.stringify(judge)}`;
    const known = this.kept.get(key);
    if (known) {
      [this.rescore, this.of] = [known, src.key];
      this.error = undefined;
      return;
    }
    this.loading = true;
    this.error = undefined;
    try {
      const r = await this.api.rescore(src.source, judge);
      this.kept.set(key, r);
      if (this.source()?.key === src.key) [this.rescore, this.of] = [r, src.key];
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  /** Grades the samples of the source as it is now, when they are not the ones graded (a new step). */
  refresh(): Promise<void> {
    return this.source()?.key === this.of ? Promise.resolve() : this.choose({});
  }

  /** Back to what the loss used. */
  reset(): void {
    this.mode = 'trained';
    this.judge = 'trained';
    this.rescore = undefined;
    this.error = undefined;
  }

  /** The what-if advantages of `base` and how they differ from its own; undefined while there is none. */
  result(base: Baseline): WhatIfResult | undefined {
    const r = this.rescore;
    if (!this.active || !r || this.of !== this.source()?.key || r.traces.length !== base.traces.length)
      return undefined;
    const mode = this.mode === 'trained' ? r.settings.mode : this.mode;
    if (mode === 'opsd') return undefined;
    const all = r.traces.map((t, i) => allScoresOf(base.traces[i], t));
    const w = advantagesFor(mode, all, base.G, r.settings);
    const diff = compareAdvantages(
      base.traces.map((t) => t.advantages),
      w.advantages,
      base.traces.map((t) => t.mask),
      w.masks,
    );
    return { mode, all, advantages: w.advantages, masks: w.masks, diff };
  }
}
