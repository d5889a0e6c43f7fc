// Rubrics of the built-in judge: the key intermediate results a reference implies, in order, ending
// with the final answer (method.md: "the list of intermediate results the reference implies, stated
// or not"). Our generators know them exactly (problem.intermediates); for any other reference they
// are read from the text: '=' results, else numbers that are not givens of the question.

import { extractAnswer } from '../tasks/checker';
import { gsm8kFinal, stripCalculatorNotes } from '../tasks/dataset-parse';
import { formatNumber, normalizeNumber, sameNumber } from '../tasks/numbers';
import { questionNumbers, statedResults } from './claims';
import { MAX_CHECKPOINTS, type JudgeProblem, type Rubric, type RubricMode } from './types';

/** At most `max` values, evenly spaced, always keeping the first and the last. */
export function capCheckpoints(values: string[], max = MAX_CHECKPOINTS): string[] {
  if (values.length <= max) return [...values];
  return Array.from({ length: max }, (_, i) => values[Math.round((i * (values.length - 1)) / (max - 1))]);
}

/** The final answer a reference states: `answer` if given, else its #### or A: line, else its last number. */
export function referenceFinal(reference: string, answer?: string): string | undefined {
  if (answer !== undefined && answer.trim() !== '') return normalizeNumber(answer) ?? answer.trim();
  const stated = gsm8kFinal(reference) ?? extractAnswer(reference);
  if (stated !== null) return stated;
  const results = statedResults(reference);
  return results.length > 0 ? formatNumber(results[results.length - 1].value) : undefined;
}

/**
 * Reads checkpoints out of a reference: its stated results in order (consecutive repeats merged,
 * e.g. "= 18" then "#### 18"), the final answer appended if it is not already last, capped at 6.
 */
export function extractCheckpoints(
  question: string,
  reference: string,
  answer?: string,
): Pick<Rubric, 'checkpoints' | 'finalAnswer'> {
  const text = stripCalculatorNotes(reference);
  const finalAnswer = referenceFinal(text, answer);
  const values: string[] = [];
  for (const v of statedResults(text, questionNumbers(question))) {
    const s = formatNumber(v.value);
    if (values.length === 0 || !sameNumber(values[values.length - 1], s)) values.push(s);
  }
  const numericFinal = finalAnswer !== undefined && normalizeNumber(finalAnswer) !== null;
  if (numericFinal && (values.length === 0 || !sameNumber(values[values.length - 1], finalAnswer)))
    values.push(finalAnswer);
  return { checkpoints: capCheckpoints(values), finalAnswer };
}

/** The rubric of one problem: its known intermediates when it has them, else read from the reference. */
export function buildRubric(problem: JudgeProblem): Rubric {
  if (problem.intermediates && problem.intermediates.length > 0) {
    const finalAnswer = problem.answer ?? problem.intermediates[problem.intermediates.length - 1];
    const values = [...problem.intermediates];
    if (!sameNumber(values[values.length - 1], finalAnswer)) values.push(finalAnswer);
    return {
      problemId: problem.id,
      checkpoints: capCheckpoints(values),
      finalAnswer,
      ...(problem.steps?.length ? { steps: [...problem.steps] } : {}),
    };
  }
  return { problemId: problem.id, ...extractCheckpoints(problem.question, problem.reference, problem.answer) };
}

/**
 * Explicit mode builds each problem's rubric once and reuses it; implicit rebuilds it on every call.
 * The cache key is everything the rubric is built from (id, question, reference, answer, known
 * intermediates), as the LLM judge's is: two records that share an id but not a reference (a
 * hand-made JSONL, a wrong-reference condition) never share a rubric.
 */
export class RubricCache {
  private readonly rubrics = new Map<string, Rubric>();
  builds = 0; // rubrics built so far (tests and reports count them)

  get(problem: JudgeProblem, mode: RubricMode): Rubric {
    if (mode === 'implicit') {
      this.builds++;
      return buildRubric(problem);
    }
    const key = JSON.stringify([
      problem.id,
      problem.question,
      problem.reference,
      problem.answer ?? null,
      problem.intermediates ?? null,
      problem.steps ?? null,
    ]);
    let r = this.rubrics.get(key);
    if (!r) {
      r = buildRubric(problem);
      this.builds++;
      this.rubrics.set(key, r);
    }
    return r;
  }

  get size(): number {
    return this.rubrics.size;
  }
}
