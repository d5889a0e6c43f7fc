// The results of an experiment as one JSON document (written by `npm run experiment`, read by the
// page's results viewer), and the two views made from it: results.md (pass@1 and pass@k per arm and
// stage, mean and 95% interval over seeds) and curves.csv (every per-step metric, long format).
// Schema (RESULTS_SCHEMA): see the README's "Results file" section; bump the version on any change.

import type { ArmId, ArmSpec } from './arms';
import type { ExperimentOptions } from './options';
import type { EvalResult } from '../run/eval-job';
import type { MetricPoint } from '../store/records';
import { studentTQuantile } from '../util/student-t';
import { verdictMarkdown } from './verdict';
import { formatCauses, sumCounts, type FailureCounts } from '../run/grade-failures';

export const RESULTS_SCHEMA = 'exprl-results/2';
/** Older schemas this version still reads (their evaluations lack the verifier and per-sample grades). */
const READABLE_SCHEMAS = [RESULTS_SCHEMA, 'exprl-results/1'];

/** 'stage1': after Stage I (for Base: the pre-trained model); 'stage2': after Stage II. */
export type Stage = 'stage1' | 'stage2';

export interface CellResult {
  arm: ArmId;
  stage: Stage;
  seed: number;
  status: 'done' | 'pending';
  steps: number; // training steps taken (0 for Base's Stage I)
  trainSeconds: number;
  evalSeconds: number;
  curve: MetricPoint[]; // per-step metrics of the stage's training
  eval?: EvalResult; // on the held-out split, after the stage
  judgeFailures?: FailureCounts; // failed grades of its training and evaluation, by cause
}

export interface ResultsFile {
  schema: string; // RESULTS_SCHEMA when written by this version
  name: string;
  preset: string;
  command: string; // how it was run
  createdAt: string; // ISO time
  updatedAt: string;
  complete: boolean; // every cell done
  wallSeconds: number; // summed over the sessions that ran it
  adapter: string; // the WebGPU adapter
  options: ExperimentOptions; // as run (never a key)
  arms: Pick<ArmSpec, 'id' | 'label' | 'stageI' | 'why'>[];
  cells: CellResult[];
}

/** Mean and half-width of the 95% interval (t distribution) of values; half-width NaN for one value. */
export function meanCi(xs: number[]): { mean: number; half: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, half: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, half: NaN };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, half: studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) };
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '-');
const dec = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const cell = (xs: number[], f = pct) => {
  const { mean, half } = meanCi(xs);
  return Number.isFinite(half) ? `${f(mean)} ± ${f(half)}` : f(mean);
};

/** One figure of every arm at one stage, over seeds (done cells only). */
export function figures(r: ResultsFile, stage: Stage, pick: (e: EvalResult) => number | null): Map<ArmId, number[]> {
  const out = new Map<ArmId, number[]>();
  for (const c of r.cells) {
    if (c.stage !== stage || c.status !== 'done' || !c.eval) continue;
    const v = pick(c.eval);
    if (v === null) continue;
    out.set(c.arm, [...(out.get(c.arm) ?? []), v]);
  }
  return out;
}

/** The held-out figures results.md reports, in order: the verifier first, then pass@k, then the judge. */
export function evalColumns(
  r: ResultsFile,
): { name: string; pick: (e: EvalResult) => number | null; f: (x: number) => string }[] {
  const ks = [1, 4, 16, r.options.eval.k]
    .filter((k, i, a) => k <= r.options.eval.n && a.indexOf(k) === i)
    .sort((a, b) => a - b);
  return [
    { name: 'steps right in order', pick: (e) => e.stepsInOrder ?? null, f: pct },
    { name: 'all steps right', pick: (e) => e.allSteps ?? null, f: pct },
    ...ks.map((k) => ({
      name: `pass@${k}`,
      pick: (e: EvalResult) => e.passAt?.[String(k)] ?? (k === 1 ? e.passAt1 : k === e.k ? e.passAtK : null),
      f: pct,
    })),
    { name: 'judge score', pick: (e) => e.judgeScore, f: dec },
  ];
}

/** results.md: the tables a reader compares arms with, one per stage. */
export function resultsMarkdown(r: ResultsFile): string {
  const seeds = r.options.seeds.length;
  const lines = [
    `# ${r.name} (${r.preset})`,
    '',
    `${r.complete ? 'Complete' : 'Incomplete (some cells pending)'}; ${seeds} seed${seeds === 1 ? '' : 's'} (${r.options.seeds.join(', ')}); ` +
      `${Math.round(r.wallSeconds / 60)} min of wall time on ${r.adapter}.`,
    `Evaluation: ${r.options.eval.problems} held-out problems, n = ${r.options.eval.n} samples each at temperature ${r.options.eval.temperature}. ` +
      "The verifier (no arm trains on it): the share of a problem's steps right in order, and the share of samples with every step right; " +
      'pass@k by the unbiased estimator; all in %. Judge score: the mean (k-1)/4 of the samples, a truncated sample scoring 0. ' +
      'Mean ± 95% t interval over seeds.',
    `Command: \`${r.command}\``,
  ];
  const stages: [Stage, string][] =
    r.options.stageII.steps > 0
      ? [
          ['stage1', 'After Stage I'],
          ['stage2', 'After Stage II'],
        ]
      : [['stage1', 'After Stage I']];
  const cols = evalColumns(r);
  for (const [stage, title] of stages) {
    lines.push(
      '',
      `## ${title}`,
      '',
      `| arm | ${cols.map((c) => c.name).join(' | ')} |`,
      `|---|${cols.map(() => '---').join('|')}|`,
    );
    for (const arm of r.arms)
      lines.push(
        `| ${arm.label} | ${cols.map((c) => cell(figures(r, stage, c.pick).get(arm.id) ?? [], c.f)).join(' | ')} |`,
      );
  }
  lines.push('', "## Verdict on method.md's effects", '', verdictMarkdown(r));
  return [...lines, ...failureLines(r)].join('\n') + '\n';
}

/** The judge's failed grades per cell, by cause (nothing for a run without any). */
function failureLines(r: ResultsFile): string[] {
  const failed = r.cells.filter((c) => sumCounts(c.judgeFailures ?? {}) > 0);
  if (failed.length === 0) return [];
  return [
    '',
    'Judge failures (grades left out of the loss and the judge scores), by cause:',
    '',
    ...failed.map(
      (c) =>
        `- ${c.arm} ${c.stage === 'stage1' ? 'Stage I' : 'Stage II'} seed ${c.seed}: ${sumCounts(c.judgeFailures ?? {})} (${formatCauses(c.judgeFailures ?? {})})`,
    ),
  ];
}

/** curves.csv: arm,stage,seed,step,metric,value for every per-step metric of every cell. */
export function curvesCsv(r: ResultsFile): string {
  const rows = ['arm,stage,seed,step,metric,value'];
  for (const c of r.cells) {
    for (const p of c.curve) {
      for (const [m, v] of Object.entries(p.values))
        rows.push(`${c.arm},${c.stage},${c.seed},${p.step},${m},${Number.isFinite(v) ? v : ''}`);
    }
  }
  return rows.join('\n') + '\n';
}

/** Checks that a parsed JSON document is a results file this version reads; throws a clear message. */
export function checkResultsFile(x: unknown): ResultsFile {
  const r = x as Partial<ResultsFile>;
  if (!r || typeof r !== 'object') throw new Error('not a results file: expected a JSON object');
  if (!READABLE_SCHEMAS.includes(r.schema as string))
    throw new Error(
      `not a results file this version reads: schema ${JSON.stringify(r.schema)}, expected ${RESULTS_SCHEMA}`,
    );
  if (!Array.isArray(r.cells) || !Array.isArray(r.arms) || !r.options)
    throw new Error('the results file lacks its cells, arms or options');
  return r as ResultsFile;
}
