// Previews a run produces for people to look at, as plain data: generations (a prompt completed
// greedily and by sampling) and RL rollout traces (every sampled response of a step, with its
// per-token advantages, mask, rewards and the judge's verdicts). GPU-free, so the page can import the
// shapes; traces are kept as plain arrays so they survive IndexedDB, JSON export and replay files.

import type { Preview } from './job';
import type { TrajectoryScore } from '../rl/advantages';
import type { ScoreDetail } from './scorers';
import type { Trace } from '../rl/rl-loop';

export const SAMPLE_TEMPERATURE = 0.8; // a little below 1, so samples read as the model's typical output

/** One prompt completed twice: greedily (temperature 0) and by sampling; `answer` when the prompt is a
 *  task problem with a known result (the page marks each completion right or wrong). */
export interface Sample {
  prompt: string;
  greedy: string;
  sampled: string;
  answer?: string;
}

export interface SamplesPreview extends Preview {
  kind: 'samples';
  data: { temperature: number; samples: Sample[] };
}

/** A problem of an RL step as the inspector shows it: the reference is the judge's only (never the policy's). */
export interface TraceProblem {
  id: string;
  prompt: string;
  reference?: string;
  answer?: string;
}

/** One sampled response, plain data. */
export interface TraceRecord {
  response: string;
  tokens: number[]; // response token ids (EOS included when produced)
  advantages: number[]; // per response token, as the loss used them
  mask: number[]; // per response token: 1 in the loss, 0 dropped
  score: TrajectoryScore;
  correct: 0 | 1;
  dense: number | null; // the judge's whole-response reward (null: not graded or failed)
  detail?: ScoreDetail;
  truncated: boolean;
}

/** Every response of one RL step, group by group (problem i owns traces i*G .. i*G+G-1). */
export interface TraceSet {
  step: number;
  G: number;
  problems: TraceProblem[];
  traces: TraceRecord[];
}

/** The plain form of a step's traces (what the worker sends, stores and exports). */
export function traceSetOf(
  step: number,
  G: number,
  problems: { id: string; prompt: string; reference?: string; answer?: unknown }[],
  traces: Trace[],
): TraceSet {
  return {
    step,
    G,
    problems: problems.map((p) => ({
      id: p.id,
      prompt: p.prompt,
      reference: p.reference,
      answer: typeof p.answer === 'string' ? p.answer : undefined,
    })),
    traces: traces.map((t) => ({
      response: t.response,
      tokens: Array.from(t.tokens),
      advantages: Array.from(t.advantages, (x) => Math.fround(x)),
      mask: Array.from(t.mask),
      score: t.score,
      correct: t.correct,
      dense: t.dense ?? null,
      detail: t.detail as ScoreDetail | undefined,
      truncated: t.truncated,
    })),
  };
}
