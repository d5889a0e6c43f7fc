// The Judge contract shared by the built-in judge and the OpenAI-compatible LLM judge.
// A judge grades the policy's own response against a hidden reference solution (method.md,
// "Rewards"): Likert k in 1..5, reward (k-1)/4, with its rationale and whether the reply parsed.

/** What the judge sees of one problem. The reference is never shown to the policy. */
export interface JudgeProblem {
  id: string; // stable problem id (cache keys, rubric cache)
  question: string; // the prompt text the policy saw
  reference: string; // the human-written reference solution (the reward scaffold)
  answer?: string; // final answer, when known
  intermediates?: string[]; // every result the reference implies, in order (known for generated tasks)
  steps?: string[]; // the reference's steps, operands and result ("8+7+1=16"), in order (known for generated tasks)
}

/** Explicit: checkpoints extracted once per problem, cached, handed to every grading call.
 *  Implicit: the judge extracts them itself inside each grading call. */
export type RubricMode = 'explicit' | 'implicit';

/** method.md: the judge extracts 2 to 6 key checkpoints from the reference. */
export const MIN_CHECKPOINTS = 2;
export const MAX_CHECKPOINTS = 6;

export interface Rubric {
  problemId: string;
  checkpoints: string[]; // up to MAX_CHECKPOINTS key intermediate claims/results, in order
  finalAnswer?: string;
  steps?: string[]; // the reference's steps in order, when known: a step establishes a checkpoint only as this step
}

export type ParseStatus = 'ok' | 'no-score' | 'out-of-range' | 'malformed' | 'error';

export interface Grade {
  k: number | null; // Likert 1..5, null when not parsed
  reward: number | null; // (k-1)/4, null when not parsed: the trajectory is dropped, never scored 0
  rationale: string;
  status: ParseStatus;
  error?: string; // why, when status is not 'ok' (never contains an API key)
  cause?: string; // the failure's short cause when status is not 'ok': http-401, timeout, fatal, rubric, no-score, ...
}

export interface ProcessGrade {
  segments: string[]; // the response cut at the step delimiter (first = preamble, last runs to the end)
  grades: Grade[]; // one per segment
  ok: boolean; // every segment parsed; false => the trajectory is dropped from the loss
}

export interface JudgeOptions {
  rubricMode: RubricMode;
  stepDelimiter: string; // default '###'
  signal?: AbortSignal;
}

export interface Judge {
  readonly name: string;
  outcome(problem: JudgeProblem, response: string, opts?: Partial<JudgeOptions>): Promise<Grade>;
  process(problem: JudgeProblem, response: string, opts?: Partial<JudgeOptions>): Promise<ProcessGrade>;
}

export const DEFAULT_JUDGE_OPTIONS: JudgeOptions = { rubricMode: 'explicit', stepDelimiter: '###' };

/** Likert score to reward: s = (k-1)/4. */
export function likertToReward(k: number): number {
  return (k - 1) / 4;
}
