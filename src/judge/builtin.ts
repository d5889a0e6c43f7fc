// The built-in judge: deterministic, instant and offline. It grades a response against the rubric
// of its reference (the intermediate results, in order, and the final answer) on method.md's Likert
// anchors, for the whole response (Outcome) or one segment at a time (Process). It checks stated
// numbers and arithmetic, it does not read prose. Knobs simulate judge error, no reference, wrong one.

import { answersMatch, extractAnswer } from '../tasks/checker';
import { fnv1a } from '../tasks/hash';
import { formatNumber, sameNumber } from '../tasks/numbers';
import { mulberry32 } from '../util/rng';
import { findClaims, questionNumbers, statedResults } from './claims';
import { RubricCache } from './rubric';
import { splitSegments } from './segments';
import { gradeSegmentBySteps, stepsEstablished } from './step-grading';
import {
  DEFAULT_JUDGE_OPTIONS,
  likertToReward,
  type Grade,
  type Judge,
  type JudgeOptions,
  type JudgeProblem,
  type ProcessGrade,
  type Rubric,
} from './types';

export type ReferenceMode = 'given' | 'none' | 'wrong';

export interface BuiltinJudgeConfig {
  referenceMode: ReferenceMode; // 'given': the problem's own reference, as ExpRL uses it
  errorRate: number; // 0: chance a grade is replaced by another score at random (a 4B judge errs ~18% at >= 4)
  seed: number; // 0: salt of the simulated errors and of the wrong-reference draw
  pool: JudgeProblem[]; // []: problems whose references 'wrong' mode borrows (one other than the graded one)
}

export const DEFAULT_BUILTIN_JUDGE: BuiltinJudgeConfig = { referenceMode: 'given', errorRate: 0, seed: 0, pool: [] };

// Outcome anchor thresholds: the share of checkpoints established in order (final answer included)
// above which an unfinished or wrong response is still "on track" (3) rather than "big gaps" (2).
const ON_TRACK_SHARE = 0.4;

export interface RawGrade {
  k: number;
  rationale: string;
}

/** Indices of the checkpoints matched by `values` as a longest in-order subsequence. */
export function inOrderMatches(checkpoints: string[], values: number[]): number[] {
  const n = checkpoints.length;
  const m = values.length;
  const dp = Array.from({ length: n + 1 }, () => new Int32Array(m + 1)); // dp[i][j]: LCS of cp[i..], values[j..]
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = sameNumber(checkpoints[i], values[j]) ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const matched: number[] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (sameNumber(checkpoints[i], values[j]) && dp[i][j] === dp[i + 1][j + 1] + 1) {
      matched.push(i);
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
    else j++;
  }
  return matched;
}

function falseClaimText(text: string): string[] {
  return findClaims(text)
    .filter((c) => !c.ok)
    .map((c) => c.text.replace(/\s+/g, ''));
}

/** Outcome grade of a whole response against a rubric, on method.md's anchors. */
export function gradeOutcomeAgainst(question: string, rubric: Rubric, response: string): RawGrade {
  const bySteps = rubric.steps !== undefined && rubric.steps.length > 0;
  // with known steps, the checkpoints are the steps themselves (a number alone establishes nothing)
  const cps = bySteps ? (rubric.steps as string[]) : rubric.checkpoints;
  const final = rubric.finalAnswer ?? rubric.checkpoints[rubric.checkpoints.length - 1];
  const values = statedResults(response, questionNumbers(question)).map((v) => v.value);
  const matched = bySteps ? stepsEstablished(cps, response) : inOrderMatches(cps, values);
  const stated = extractAnswer(response) ?? (values.length > 0 ? formatNumber(values[values.length - 1]) : null);
  const finalOk = stated !== null && final !== undefined && answersMatch(stated, final);
  const falseClaims = falseClaimText(response);
  let k: number;
  if (finalOk) k = matched.length === cps.length && falseClaims.length === 0 ? 5 : 4;
  else if (cps.length > 0 && matched.length / cps.length >= ON_TRACK_SHARE) k = 3;
  else k = matched.length > 0 ? 2 : 1;
  const missing = cps.filter((_, i) => !matched.includes(i));
  const parts = [
    `established ${matched.length} of ${cps.length} ${bySteps ? 'steps' : 'checkpoints'} in order` +
      (matched.length > 0 ? ` (${matched.map((i) => cps[i]).join(', ')})` : '') +
      (missing.length > 0 ? `, missing ${missing.join(', ')}` : ''),
    stated === null
      ? 'no final answer'
      : finalOk
        ? `final answer ${stated} matches`
        : `final answer ${stated} differs from the reference's ${final}`,
  ];
  if (falseClaims.length > 0) parts.push(`false claim${falseClaims.length > 1 ? 's' : ''} ${falseClaims.join(', ')}`);
  return { k, rationale: parts.join('; ') + '.' };
}

/**
 * Outcome grade without a reference: internal validity only. Each "a op b = c" claim is checked;
 * whether the work answers this question, or how the answer follows from it, is not (a carry sum's
 * answer is assembled from digits, not read off its last claim).
 */
export function gradeOutcomeAlone(response: string): RawGrade {
  const claims = findClaims(response);
  const bad = claims.filter((c) => !c.ok);
  const answer = extractAnswer(response);
  if (bad.length > 0) {
    return {
      k: bad.length * 2 >= claims.length ? 1 : 2,
      rationale: `no reference; ${bad.length} of ${claims.length} claims false (${bad.map((c) => c.text).join(', ')}).`,
    };
  }
  if (answer === null) {
    return claims.length > 0
      ? { k: 3, rationale: `no reference; ${claims.length} claims hold but there is no final answer.` }
      : { k: 2, rationale: 'no reference; nothing checkable and no final answer.' };
  }
  if (claims.length === 0)
    return { k: 4, rationale: `no reference; final answer ${answer} stated without checkable work.` };
  return { k: 5, rationale: `no reference; all ${claims.length} claims hold, final answer ${answer}.` };
}

/** Process grade of one segment, seen alone, against the rubric (5 establishes ... 1 contradicts). */
export function gradeSegmentAgainst(question: string, rubric: Rubric, segment: string): RawGrade {
  const final = rubric.finalAnswer ?? rubric.checkpoints[rubric.checkpoints.length - 1];
  if (rubric.steps !== undefined && rubric.steps.length > 0) return gradeSegmentBySteps(rubric.steps, final, segment);
  const bad = falseClaimText(segment);
  if (bad.length > 0) return { k: 1, rationale: `contradicts: false claim ${bad.join(', ')}.` };
  const answer = extractAnswer(segment);
  if (answer !== null && final !== undefined && !answersMatch(answer, final)) {
    return { k: 1, rationale: `misleads: final answer ${answer}, the reference reaches ${final}.` };
  }
  const values = statedResults(segment, questionNumbers(question)).map((v) => v.value);
  const hits = values.filter((v) => rubric.checkpoints.some((c) => sameNumber(c, v)));
  const shown = (vs: number[]) => [...new Set(vs.map(formatNumber))].join(', ');
  if (hits.length > 0 && hits.length === values.length)
    return { k: 5, rationale: `establishes checkpoint ${shown(hits)}.` };
  if (hits.length > 0)
    return {
      k: 4,
      rationale: `supports checkpoint ${shown(hits)}, with off-rubric results ${shown(values.filter((v) => !hits.includes(v)))}.`,
    };
  if (values.length > 0)
    return { k: 2, rationale: `mostly irrelevant: results ${shown(values)} are not on the rubric.` };
  return { k: 3, rationale: 'generic: states no result.' };
}

/** Process grade of one segment without a reference: valid arithmetic is all it can see. */
export function gradeSegmentAlone(segment: string): RawGrade {
  const claims = findClaims(segment);
  const bad = claims.filter((c) => !c.ok);
  if (bad.length > 0) return { k: 1, rationale: `no reference; false claim ${bad.map((c) => c.text).join(', ')}.` };
  const answer = extractAnswer(segment);
  if (claims.length > 0)
    return { k: 5, rationale: `no reference; ${claims.length} claim${claims.length > 1 ? 's' : ''} hold.` };
  if (answer !== null) return { k: 4, rationale: `no reference; states answer ${answer}, nothing to check.` };
  return { k: 3, rationale: 'no reference; generic, nothing to check.' };
}

/** 'wrong' mode: the graded problem with another pool problem's reference (chosen by hash of its id). */
export function substituteReference(problem: JudgeProblem, pool: JudgeProblem[], seed = 0): JudgeProblem {
  const n = pool.length;
  const start = n > 0 ? fnv1a(`wrong:${seed}:${problem.id}`) % n : 0;
  for (let d = 0; d < n; d++) {
    const other = pool[(start + d) % n];
    if (other.id !== problem.id && other.reference !== problem.reference) {
      return {
        id: other.id,
        question: problem.question,
        reference: other.reference,
        answer: other.answer,
        intermediates: other.intermediates,
        steps: other.steps,
      };
    }
  }
  throw new Error(
    `wrong-reference mode needs a pool with at least one problem other than ${problem.id} (pool size ${n})`,
  );
}

/** With probability errorRate (decided by a hash of `key`), k becomes one of the other four scores. */
export function perturb(k: number, errorRate: number, key: string): number {
  if (!(errorRate > 0)) return k;
  const rng = mulberry32(fnv1a(key));
  if (rng() >= errorRate) return k;
  const others = [1, 2, 3, 4, 5].filter((x) => x !== k);
  return others[Math.floor(rng() * others.length)];
}

export class BuiltinJudge implements Judge {
  readonly name: string;
  readonly config: BuiltinJudgeConfig;
  readonly rubrics = new RubricCache();

  constructor(config: Partial<BuiltinJudgeConfig> = {}) {
    this.config = { ...DEFAULT_BUILTIN_JUDGE, ...config };
    const { referenceMode, errorRate } = this.config;
    if (!['given', 'none', 'wrong'].includes(referenceMode))
      throw new Error(`builtin judge: unknown referenceMode ${JSON.stringify(referenceMode)}`);
    if (!(errorRate >= 0 && errorRate <= 1))
      throw new Error(`builtin judge: errorRate must be in [0, 1], got ${errorRate}`);
    if (referenceMode === 'wrong' && this.config.pool.length < 2) {
      throw new Error(
        `builtin judge: referenceMode 'wrong' needs a pool of at least 2 problems whose references it can borrow, got ${this.config.pool.length}`,
      );
    }
    this.name = `builtin${referenceMode === 'given' ? '' : `(${referenceMode === 'none' ? 'no' : 'wrong'} reference)`}${errorRate > 0 ? `(error ${errorRate})` : ''}`;
  }

  /** The rubric a grade uses (null without a reference); explicit mode caches it per problem id. */
  rubricFor(problem: JudgeProblem, opts: Partial<JudgeOptions> = {}): Rubric | null {
    const mode = opts.rubricMode ?? DEFAULT_JUDGE_OPTIONS.rubricMode;
    if (this.config.referenceMode === 'none') return null;
    const source =
      this.config.referenceMode === 'wrong'
        ? substituteReference(problem, this.config.pool, this.config.seed)
        : problem;
    // an empty reference (and no known results) is the no-reference case, as for the LLM judge
    if (source.reference.trim() === '' && !source.intermediates?.length) return null;
    return this.rubrics.get(source, mode);
  }

  private grade(raw: RawGrade, key: string): Grade {
    const k = perturb(raw.k, this.config.errorRate, `${this.config.seed}:${key}`);
    const rationale = k === raw.k ? raw.rationale : `${raw.rationale} (simulated judge error: ${raw.k} -> ${k})`;
    return { k, reward: likertToReward(k), rationale, status: 'ok' };
  }

  /** Synchronous outcome grade (the async `outcome` wraps it). */
  outcomeSync(problem: JudgeProblem, response: string, opts: Partial<JudgeOptions> = {}): Grade {
    const rubric = this.rubricFor(problem, opts);
    const raw =
      rubric && rubric.checkpoints.length > 0
        ? gradeOutcomeAgainst(problem.question, rubric, response)
        : gradeOutcomeAlone(response);
    return this.grade(raw, `outcome:${problem.id}:${response}`);
  }

  /** Synchronous process grade: one grade per segment, each segment judged alone. */
  processSync(problem: JudgeProblem, response: string, opts: Partial<JudgeOptions> = {}): ProcessGrade {
    const rubric = this.rubricFor(problem, opts);
    const segments = splitSegments(response, opts.stepDelimiter ?? DEFAULT_JUDGE_OPTIONS.stepDelimiter);
    const grades = segments.map((seg, i) => {
      const raw =
        rubric && rubric.checkpoints.length > 0
          ? gradeSegmentAgainst(problem.question, rubric, seg)
          : gradeSegmentAlone(seg);
      return this.grade(raw, `process:${problem.id}:${i}:${seg}`);
    });
    return { segments, grades, ok: true };
  }

  async outcome(problem: JudgeProblem, response: string, opts: Partial<JudgeOptions> = {}): Promise<Grade> {
    opts.signal?.throwIfAborted();
    return this.outcomeSync(problem, response, opts);
  }

  async process(problem: JudgeProblem, response: string, opts: Partial<JudgeOptions> = {}): Promise<ProcessGrade> {
    opts.signal?.throwIfAborted();
    return this.processSync(problem, response, opts);
  }
}
