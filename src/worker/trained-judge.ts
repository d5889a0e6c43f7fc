// Which judge an RL setup's arm trained with, as a page judge (the arm's own built-in variant, such as
// no reference or a noisy judge, or else the setup's judge, as cell-jobs.ts armJudge chooses), and what
// a judge compares each problem's responses against: the true reference, another problem's, or none,
// with the built-in judge's rubric checkpoints. GPU-free.

import { ARMS } from '../experiment/arms';
import { BuiltinJudge, substituteReference } from '../judge/builtin';
import { judgeProblem, type TaskProblem } from '../run/scorers';
import type { JudgeSight } from '../run/step-stages';
import type { PageJudge, RlRunSetup } from './api';
import { rubricOf } from './rl-setup';

export function trainedJudge(s: Pick<RlRunSetup, 'arm' | 'stage' | 'judge'>): PageJudge {
  const variant = s.stage === 'stage1' ? ARMS[s.arm]?.judge : undefined;
  if (!variant || (variant.referenceMode === 'given' && variant.errorRate === 0)) return s.judge;
  return {
    kind: 'builtin',
    referenceMode: variant.referenceMode,
    errorRate: variant.errorRate,
    rubric: rubricOf(s.judge),
  };
}

/** What `judge` compares each of `problems` against (`pool`: the world's training problems; `seed`: the run's). */
export function judgeSights(
  judge: PageJudge,
  problems: TaskProblem[],
  pool: TaskProblem[],
  seed: number,
): JudgeSight[] {
  if (judge.kind !== 'builtin') return problems.map((p) => ({ reference: p.reference, checkpoints: null }));
  const b = new BuiltinJudge({
    referenceMode: judge.referenceMode,
    seed,
    pool: judge.referenceMode === 'wrong' ? pool.map(judgeProblem) : [],
  });
  return problems.map((p) => {
    const jp = judgeProblem(p);
    const rubric = b.rubricFor(jp, { rubricMode: rubricOf(judge) });
    const reference =
      judge.referenceMode === 'none'
        ? null
        : judge.referenceMode === 'wrong'
          ? substituteReference(jp, b.config.pool, seed).reference
          : p.reference;
    return { reference, checkpoints: rubric ? rubric.checkpoints : null };
  });
}

/** A page judge in words, for the settings line and the re-score choices. */
export function judgeLabel(j: PageJudge): string {
  if (j.kind === 'llm') return `LLM judge ${j.model}`;
  const parts = [j.referenceMode === 'none' ? 'no reference' : j.referenceMode === 'wrong' ? 'wrong reference' : ''];
  if (j.errorRate > 0) parts.push(`${Math.round(j.errorRate * 100)}% random grades`);
  const extra = parts.filter((p) => p !== '');
  return `built-in judge${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}
