// The built-in judge's grading by steps, used when a rubric knows the reference's steps (operands and
// result, in order): a stated step establishes a checkpoint only when it IS the reference's step at
// that place, as a judge reading the reference would decide, never because its result happens to
// equal some intermediate number. A step that names a column (an index hint) but works other digits
// contradicts the problem; an unnamed step that is not one of the reference's is off the path.

import { answersMatch, extractAnswer } from '../tasks/checker';
import { parseStep, sameStep, stepLines, type StepClaim } from '../tasks/verifier';
import type { RawGrade } from './builtin';

interface Parsed {
  text: string;
  claim: StepClaim | null;
}

function parsedSteps(text: string): Parsed[] {
  return stepLines(text).map((t) => ({ text: t.trim(), claim: parseStep(t) }));
}

function referenceClaims(steps: string[]): StepClaim[] {
  return steps.map((s) => {
    const c = parseStep(s);
    if (!c) throw new Error(`built-in judge: the rubric's step ${JSON.stringify(s)} is not an arithmetic claim`);
    return c;
  });
}

/** The reference step index a stated step is, or -1; -2 when it names a column whose step differs. */
function placeOf(stated: StepClaim, ref: StepClaim[]): number {
  if (stated.column !== null) {
    const i = ref.findIndex((r, j) => (r.column ?? j) === stated.column);
    if (i < 0) return -1;
    return sameStep(stated, ref[i], i) ? i : -2;
  }
  return ref.findIndex((r, j) => sameStep(stated, r, j));
}

/** Process grade of one segment, seen alone, against the reference's steps. */
export function gradeSegmentBySteps(steps: string[], finalAnswer: string | undefined, segment: string): RawGrade {
  const ref = referenceClaims(steps);
  const stated = parsedSteps(segment);
  const answer = extractAnswer(segment);
  for (const s of stated) {
    if (s.claim && !s.claim.holds) return { k: 1, rationale: `contradicts: false claim ${s.text}.` };
  }
  if (answer !== null && finalAnswer !== undefined && !answersMatch(answer, finalAnswer)) {
    return { k: 1, rationale: `misleads: final answer ${answer}, the reference reaches ${finalAnswer}.` };
  }
  const places = stated.map((s) => (s.claim ? placeOf(s.claim, ref) : -1));
  const wrongPlace = places.findIndex((p) => p === -2);
  if (wrongPlace >= 0) {
    const c = stated[wrongPlace].claim as StepClaim;
    const i = ref.findIndex((r, j) => (r.column ?? j) === c.column);
    return {
      k: 1,
      rationale: `contradicts: ${stated[wrongPlace].text} is not this problem's step there; the reference works ${steps[i]}.`,
    };
  }
  const hits = places.filter((p) => p >= 0);
  const named = (ps: number[]) => ps.map((p) => `${p + 1} (${steps[p]})`).join(', ');
  if (stated.length > 0 && hits.length === stated.length)
    return { k: 5, rationale: `establishes step ${named(hits)}.` };
  if (hits.length > 0) {
    const off = stated.filter((_, i) => places[i] < 0).map((s) => s.text);
    return { k: 4, rationale: `supports step ${named(hits)}, with off-reference work ${off.join(', ')}.` };
  }
  if (stated.length > 0)
    return {
      k: 2,
      rationale: `mostly irrelevant: ${stated.map((s) => s.text).join(', ')} is not a step of the reference.`,
    };
  if (answer !== null) return { k: 5, rationale: `establishes the final answer ${answer}.` };
  return { k: 3, rationale: 'generic: states no step.' };
}

/** The reference steps a response establishes, as a longest in-order match of whole steps. */
export function stepsEstablished(steps: string[], response: string): number[] {
  const ref = referenceClaims(steps);
  const got = parsedSteps(response).map((p) => p.claim);
  const n = ref.length,
    m = got.length;
  const same = (i: number, j: number) => {
    const g = got[j];
    return g !== null && g.holds && sameStep(g, ref[i], i);
  };
  const dp = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--)
      dp[i][j] = same(i, j) ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  }
  const matched: number[] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (same(i, j) && dp[i][j] === dp[i + 1][j + 1] + 1) (matched.push(i), i++, j++);
    else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
    else j++;
  }
  return matched;
}
