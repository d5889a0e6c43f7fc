// Judge calibration as the paper reports it: treat "score >= 4" as the judge saying "correct" and
// measure its false negative and false positive rates against the answer checker, with the correct
// reference, with none and with another problem's. Also makes a labelled set from our own tasks
// (correct, corrupted, half-finished and unrelated solutions) so the table needs no external data.

import { answersMatch, extractAnswer } from '../tasks/checker';
import { FAMILY_NAMES, TASK_FAMILIES } from '../tasks/families';
import { hardProblems } from '../tasks/splits';
import { truncateWorked, type FamilyName } from '../tasks/problem';
import { readJsonlObjects } from '../util/jsonl';
import { AbortedError } from './llm-limiter';
import { mulberry32 } from '../util/rng';
import { substituteReference } from './builtin';
import { stepLines } from '../tasks/verifier';
import type { StepRecord } from './step-agreement';
import { referenceFinal } from './rubric';
import type { Judge, JudgeOptions, JudgeProblem } from './types';

export interface CalibrationRecord {
  question: string;
  reference: string;
  response: string;
  answer?: string; // the final answer; else read from the reference
  correct?: boolean; // a given label; else the answer checker decides
  kind?: string; // what kind of response it is (generated sets: correct, slip, logic, half, other)
  intermediates?: string[]; // the reference's full list of results, when known
  worked?: string; // the reference's steps in the policy format, when known (the verifier's truth)
  id?: string;
}

export type Condition = 'reference' | 'no reference' | 'wrong reference';
export const CONDITIONS: Condition[] = ['reference', 'no reference', 'wrong reference'];
export const RESPONSE_KINDS = ['correct', 'slip', 'logic', 'half', 'other', 'mimic'] as const;

export interface ConditionStats {
  condition: Condition;
  graded: number; // records with a parsed outcome grade
  failed: number; // judge failures (left out of the rates)
  positives: number; // graded records whose response is correct
  negatives: number;
  fnr: number; // P(score < 4 | correct); NaN without positives
  fpr: number; // P(score >= 4 | incorrect); NaN without negatives
  error: number; // (fnr + fpr) / 2, the paper's judge error
  meanK: Record<string, number>; // mean outcome score by record kind
  meanProcess?: Record<string, number>; // mean segment score by kind, when process grading was asked for
  note?: string; // why a condition was not graded
}

/**
 * Parses a calibration JSONL; bad lines come back with their line number and reason. A field of the
 * wrong type is an error, not ignored: a "correct": "yes" that silently fell back to the answer
 * checker would change the table without a word.
 */
export function parseCalibrationJsonl(text: string): {
  records: CalibrationRecord[];
  errors: { line: number; reason: string }[];
  notes: string[];
  fatal?: string;
} {
  const records: CalibrationRecord[] = [];
  const read = readJsonlObjects(text);
  const errors = [...read.errors];
  for (const { line, value: o } of read.rows) {
    const fail = (reason: string) => void errors.push({ line, reason });
    const missing = ['question', 'reference', 'response'].filter((k) => typeof o[k] !== 'string');
    if (missing.length > 0) {
      fail(`missing or non-string field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
      continue;
    }
    const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number';
    const wrong =
      o.answer !== undefined && !scalar(o.answer)
        ? 'field "answer" is not a string or number'
        : o.correct !== undefined && typeof o.correct !== 'boolean'
          ? 'field "correct" is not true or false'
          : o.kind !== undefined && typeof o.kind !== 'string'
            ? 'field "kind" is not a string'
            : o.id !== undefined && !scalar(o.id)
              ? 'field "id" is not a string or number'
              : o.intermediates !== undefined && !(Array.isArray(o.intermediates) && o.intermediates.every(scalar))
                ? 'field "intermediates" is not a list of strings or numbers'
                : o.worked !== undefined && typeof o.worked !== 'string'
                  ? 'field "worked" is not a string'
                  : null;
    if (wrong) {
      fail(wrong);
      continue;
    }
    records.push({
      question: o.question as string,
      reference: o.reference as string,
      response: o.response as string,
      answer: o.answer === undefined ? undefined : String(o.answer),
      correct: o.correct as boolean | undefined,
      kind: o.kind as string | undefined,
      intermediates: (o.intermediates as unknown[] | undefined)?.map(String),
      worked: o.worked as string | undefined,
      id: o.id === undefined ? `line-${line}` : String(o.id),
    });
  }
  errors.sort((a, b) => a.line - b.line);
  return { records, errors, notes: read.notes, ...(read.fatal ? { fatal: read.fatal } : {}) };
}

/** The record's ground truth: its label, else the answer checker against its final answer. */
export function isCorrect(r: CalibrationRecord): boolean {
  if (r.correct !== undefined) return r.correct;
  const want = r.answer ?? referenceFinal(r.reference);
  return want !== undefined && answersMatch(extractAnswer(r.response), want);
}

/**
 * `n` records from held-out hard problems of our families, cycling through the response kinds:
 * the correct worked solution, one arithmetic slip, one logic error, the first half (rounded up)
 * of the steps, and another problem's worked solution.
 */
export function generateCalibrationSet(
  n: number,
  seed: number,
  families: FamilyName[] = FAMILY_NAMES,
): CalibrationRecord[] {
  if (!Number.isInteger(n) || n < 2)
    throw new Error(
      `a calibration set needs at least 2 records (one problem's solution is another's "other"), got ${n}`,
    );
  const problems = hardProblems({ families, seed }, 'eval', n);
  const rng = mulberry32(seed);
  return problems.map((p, i) => {
    const kind = RESPONSE_KINDS[i % RESPONSE_KINDS.length];
    const family = TASK_FAMILIES[p.family];
    const response =
      kind === 'correct'
        ? p.worked
        : kind === 'slip' || kind === 'logic'
          ? family.corrupt(p, rng, kind)
          : kind === 'half'
            ? truncateWorked(p.worked, Math.ceil(p.difficulty / 2))
            : kind === 'mimic'
              ? (mimicStep(p.worked, rng) ?? family.corrupt(p, rng, 'slip'))
              : problems[(i + 1 + Math.floor(rng() * (n - 1))) % n].worked;
    return {
      id: p.id,
      question: p.prompt,
      reference: p.reference,
      response,
      answer: p.answer,
      kind,
      intermediates: p.intermediates,
      worked: p.worked,
    };
  });
}

/**
 * The worked solution with one sum step's first two operands changed so that its result stays the
 * reference's ("### C4+c9+0=13" -> "### C6+c7+0=13"): true arithmetic with the right number, but not
 * the reference's step at that place. Null when no step is a sum that allows it.
 */
export function mimicStep(worked: string, rng: () => number): string | null {
  const lines = worked.split('\n');
  const sums = lines.map((l, i) => (/^### [A-Za-z]?\d\+[A-Za-z]?\d(\+\d)?=/.test(l) ? i : -1)).filter((i) => i >= 0);
  for (let attempt = 0; attempt < 20 && sums.length > 0; attempt++) {
    const i = sums[Math.floor(rng() * sums.length)];
    const m = /^### ([A-Za-z]?)(\d)\+([A-Za-z]?)(\d)(.*)$/.exec(lines[i]) as RegExpExecArray;
    const d = 1 + Math.floor(rng() * 3) * (rng() < 0.5 ? -1 : 1);
    const x = Number(m[2]) + d,
      y = Number(m[4]) - d;
    if (x < 0 || x > 9 || y < 0 || y > 9 || x === Number(m[4])) continue;
    lines[i] = `### ${m[1]}${x}+${m[3]}${y}${m[5]}`;
    return lines.join('\n');
  }
  return null;
}

function asProblem(r: CalibrationRecord, i: number): JudgeProblem {
  const steps = r.worked ? stepLines(r.worked) : [];
  return {
    id: r.id ?? `record-${i}`,
    question: r.question,
    reference: r.reference,
    answer: r.answer,
    intermediates: r.intermediates,
    ...(steps.length ? { steps } : {}),
  };
}

/** The records with known steps as step-agreement records (each problem as a condition shows it). */
export function stepRecords(records: CalibrationRecord[], condition: Condition, seed = 0): StepRecord[] {
  const problems = records.map(asProblem);
  return records.flatMap((r, i) =>
    r.worked
      ? [{ problem: conditionProblem(problems[i], condition, problems, seed), worked: r.worked, response: r.response }]
      : [],
  );
}

/** The problem as a condition shows it to the judge: as is, without reference, or with another's. */
export function conditionProblem(p: JudgeProblem, condition: Condition, pool: JudgeProblem[], seed = 0): JudgeProblem {
  if (condition === 'reference') return p;
  if (condition === 'no reference') return { id: `${p.id}#noref`, question: p.question, reference: '' };
  return substituteReference(p, pool, seed);
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (x: T, i: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export interface CalibrationProgress {
  done: number; // records graded so far, over all conditions
  total: number; // records x conditions
  condition: Condition; // the condition being graded
}

const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Grades every record under each condition with `judge` and computes the calibration numbers. */
export async function calibrate(
  records: CalibrationRecord[],
  judge: Judge,
  opts: {
    conditions?: Condition[];
    process?: boolean;
    concurrency?: number;
    seed?: number;
    judgeOptions?: Partial<JudgeOptions>;
    onProgress?: (p: CalibrationProgress) => void; // after each graded record
  } = {},
): Promise<ConditionStats[]> {
  const conditions = opts.conditions ?? CONDITIONS;
  const progress: CalibrationProgress = {
    done: 0,
    total: records.length * conditions.length,
    condition: conditions[0],
  };
  const problems = records.map(asProblem);
  const truth = records.map(isCorrect);
  const stats: ConditionStats[] = [];
  const distinctReferences = new Set(problems.map((p) => p.reference)).size;
  for (const condition of conditions) {
    progress.condition = condition;
    if (condition === 'wrong reference' && distinctReferences < 2) {
      progress.done += records.length;
      stats.push({
        condition,
        graded: 0,
        failed: 0,
        positives: 0,
        negatives: 0,
        fnr: NaN,
        fpr: NaN,
        error: NaN,
        meanK: {},
        note: 'not graded: a wrong reference needs at least two records with different references',
      });
      continue;
    }
    const graded = await mapLimited(
      records,
      opts.concurrency ?? 8,
      async (r, i) => {
        const p = conditionProblem(problems[i], condition, problems, opts.seed ?? 0);
        const g = await judge.outcome(p, r.response, opts.judgeOptions);
        const pg = opts.process ? await judge.process(p, r.response, opts.judgeOptions) : null;
        const pk = pg && pg.ok ? mean(pg.grades.map((x) => x.k as number)) : null;
        progress.done++;
        opts.onProgress?.({ ...progress });
        return { k: g.status === 'ok' ? g.k : null, pk };
      },
      opts.judgeOptions?.signal,
    );
    if (opts.judgeOptions?.signal?.aborted) throw new AbortedError('calibration cancelled');
    const ok = graded.map((g, i) => ({ ...g, i })).filter((g) => g.k !== null);
    const pos = ok.filter((g) => truth[g.i]);
    const neg = ok.filter((g) => !truth[g.i]);
    const fnr = pos.length ? pos.filter((g) => (g.k as number) < 4).length / pos.length : NaN;
    const fpr = neg.length ? neg.filter((g) => (g.k as number) >= 4).length / neg.length : NaN;
    const byKind = (pick: (g: (typeof graded)[number]) => number | null) => {
      const groups: Record<string, number[]> = {};
      graded.forEach((g, i) => {
        const v = pick(g);
        if (v !== null) (groups[records[i].kind ?? (truth[i] ? 'correct' : 'incorrect')] ??= []).push(v);
      });
      return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, mean(v)]));
    };
    stats.push({
      condition,
      graded: ok.length,
      failed: records.length - ok.length,
      positives: pos.length,
      negatives: neg.length,
      fnr,
      fpr,
      error: (fnr + fpr) / 2,
      meanK: byKind((g) => g.k),
      meanProcess: opts.process ? byKind((g) => g.pk) : undefined,
    });
  }
  return stats;
}

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(2));

/** The calibration table and the mean scores by response kind, as plain text. */
export function formatCalibrationTable(stats: ConditionStats[], title: string): string {
  const lines = [title, '', 'condition          graded  failed  correct      FNR      FPR  (FNR+FPR)/2'];
  for (const s of stats) {
    lines.push(
      `${s.condition.padEnd(17)}${String(s.graded).padStart(7)}${String(s.failed).padStart(8)}${String(s.positives).padStart(9)}` +
        `${pct(s.fnr).padStart(9)}${pct(s.fpr).padStart(9)}${pct(s.error).padStart(13)}`,
    );
  }
  const table = (label: string, get: (s: ConditionStats) => Record<string, number> | undefined) => {
    const kinds = [...new Set(stats.flatMap((s) => Object.keys(get(s) ?? {})))];
    const order = (k: string) => {
      const i = (RESPONSE_KINDS as readonly string[]).indexOf(k);
      return i < 0 ? 99 : i;
    };
    kinds.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
    lines.push('', `${label.padEnd(17)}${stats.map((s) => s.condition.padStart(17)).join('')}`);
    for (const k of kinds) lines.push(`${k.padEnd(17)}${stats.map((s) => num(get(s)?.[k]).padStart(17)).join('')}`);
  };
  for (const s of stats) if (s.note) lines.push(`${s.condition}: ${s.note}`);
  table('mean outcome k', (s) => s.meanK);
  if (stats.some((s) => s.meanProcess)) table('mean process k', (s) => s.meanProcess);
  lines.push('', 'Positive = the judge gives k >= 4; truth = the answer checker (or the record\'s "correct" label).');
  return lines.join('\n');
}
