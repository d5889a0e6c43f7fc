// Pre-training as the page runs it: the PretrainJob, plus held-out primitive accuracy (greedy answers
// to primitive problems the corpus does not contain, scored by the answer checker) on the generations'
// cadence under eval/primitive_accuracy, and the expected answer beside each generation. Page-only;
// the CLI's pre-training is the plain PretrainJob.

import { primitiveProblems } from '../tasks/splits';
import { sparseReward } from '../tasks/checker';
import { FAMILY_NAMES } from '../tasks/families';
import type { Problem } from '../tasks/problem';
import type { JobStep, RunJob } from './job';
import type { PretrainJob } from './pretrain-job';
import type { SamplesPreview } from './previews';
import type { CorpusChoice } from './corpus';

export const HELD_OUT_PRIMITIVES = 32; // problems of the accuracy check: enough to see 0% move to 50%
const ANSWER = /\nA: ([^\n]*)$/;

/** Primitive problems of the corpus's families that are not in the corpus (none for the built-in facts). */
export function heldOutPrimitives(choice: CorpusChoice, corpus: string[], n = HELD_OUT_PRIMITIVES): Problem[] {
  if (choice.corpus !== 'task-primitives' || !choice.tasks) return [];
  const seen = new Set(corpus);
  const families = FAMILY_NAMES.filter((f) => choice.tasks!.families.includes(f));
  const pool = primitiveProblems({ families, seed: choice.tasks.seed }, choice.tasks.count + 4 * n);
  return pool
    .slice(choice.tasks.count)
    .filter((p) => !seen.has(p.prompt + p.worked))
    .slice(0, n);
}

export class PagePretrainJob implements RunJob {
  readonly kind = 'pretrain';
  private readonly answers = new Map<string, string>(); // generation prompt -> the document's answer

  constructor(
    readonly inner: PretrainJob,
    private readonly heldOut: Problem[],
    private readonly every: number,
    corpus: string[],
    prompts: string[],
  ) {
    for (const prompt of prompts) {
      const doc = corpus.find((d) => d.startsWith(prompt));
      const m = doc ? ANSWER.exec(doc) : null;
      if (m) this.answers.set(prompt, m[1]);
    }
  }

  get total(): number {
    return this.inner.total;
  }

  get stepCount(): number {
    return this.inner.stepCount;
  }

  async step(): Promise<JobStep> {
    const r = await this.inner.step();
    if (this.heldOut.length > 0 && this.every > 0 && (r.step % this.every === 0 || r.step === this.total)) {
      r.values['eval/primitive_accuracy'] = await this.accuracy();
    }
    return r;
  }

  /** Share of held-out primitive problems answered right, greedily. */
  async accuracy(): Promise<number> {
    const longest = this.heldOut.reduce((m, p) => Math.max(m, p.worked.length), 0);
    const out = await this.inner.trainer.generate(
      this.heldOut.map((p) => p.prompt),
      { maxNewTokens: longest + 4, temperature: 0, seed: 0 },
    );
    return out.reduce((n, text, i) => n + sparseReward(this.heldOut[i], text), 0) / this.heldOut.length;
  }

  saveCheckpoint(): Promise<ArrayBuffer> {
    return this.inner.saveCheckpoint();
  }

  async preview(): Promise<SamplesPreview[]> {
    const previews = await this.inner.preview();
    for (const p of previews) for (const s of p.data.samples) s.answer = this.answers.get(s.prompt);
    return previews;
  }

  destroy(): void {
    this.inner.destroy();
  }
}
