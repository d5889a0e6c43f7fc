// The arithmetic behind one token's advantage, with this group's numbers filled in: GRPO's
// group-normalised (r - mean) / (std + eps) (sparse and ExpRL-Outcome), ExpRL-Process's DeltaNorm,
// EndNorm and GroupNorm, and self-distillation's teacher-student log-ratio. Each explanation computes
// its value the way advantages.ts and opsd.ts do, from the same helpers, so the number it ends with is
// the one the loss used (tests hold it to that for every mode). Pure functions, no GPU.

import {
  DEFAULT_ADVANTAGE_OPTIONS,
  meanStd,
  segmentAdvantages,
  spreadSegments,
  type AdvantageMode,
  type AdvantageOptions,
  type ScoredTrajectory,
} from './advantages';

export interface AdvantageExplanation {
  mode: AdvantageMode | 'opsd';
  formula: string; // the rule, in symbols
  lines: string[]; // the rule with this group's numbers, one step a line
  value: number; // the advantage it arrives at (the loss used its float32 rounding)
  segment?: number; // the token's segment (0-based), process modes
  masked: boolean; // the trajectory is left out of the loss
}

const MINUS = '\u2212';

/** A number as the explanations print it: up to 4 decimals (3 significant digits below 0.01), a true minus sign. */
export function num(x: number): string {
  const fixed = (s: string) => (s.includes('e') ? s : s.replace(/0+$/, '').replace(/\.$/, ''));
  const s = Number.isInteger(x) ? String(x) : fixed(Math.abs(x) < 0.01 ? x.toPrecision(3) : x.toFixed(4));
  return s.replace('-', MINUS);
}

/** A number as the right-hand operand of a subtraction: negative ones in parentheses. */
const operand = (x: number) => (x < 0 ? `(${num(x)})` : num(x));

/** The segment (0-based) whose tokens [start_k, start_k+1) hold token j: the last start at or before it. */
export function segmentOf(starts: number[], j: number): number {
  let k = 0;
  for (let s = 0; s < starts.length; s++) if (starts[s] <= j) k = s;
  return k;
}

const FORMULAS: Record<AdvantageMode, (std: boolean) => string> = {
  'sparse-grpo': (std) => (std ? 'A = (r \u2212 mean_group) / (std_group + \u03b5)' : 'A = r \u2212 mean_group'),
  outcome: (std) => (std ? 'A = (s \u2212 mean_group) / (std_group + \u03b5)' : 'A = s \u2212 mean_group'),
  'delta-norm': () => 'A_k = s_k \u2212 s_(k\u22121) for k \u2265 2;  A_1 = s_1 \u2212 s_K;  K = 1: A_1 = s_1',
  'end-norm': () => 'A_k = s_k \u2212 s_K',
  'group-norm': () => 'A_k = s_k \u2212 mean over the group\u2019s tokens of their segment score',
};

/** Why a trajectory is out of the loss, or undefined when it is in. */
function droppedBecause(t: ScoredTrajectory): string | undefined {
  const failed = t.score.kind === 'outcome' ? t.score.reward === null : t.score.scores.some((s) => s === null);
  return failed
    ? "the judge's grade failed: this response is left out of the loss (mask 0) and of its group's statistics"
    : undefined;
}

/** The scores a kept trajectory counts with, as groupAdvantages counts them: a cut response's reward is 0;
 *  under the process modes its scores are all 0, or only its unfinished last segment's ('penalize'). */
function keptScores(t: ScoredTrajectory, o: AdvantageOptions): number[] | null {
  if (droppedBecause(t)) return null;
  if (t.score.kind === 'outcome') return [t.truncated ? 0 : (t.score.reward as number)];
  if (!t.truncated) return t.score.scores as number[];
  if (o.processTruncation === 'zero-advantage') return t.score.scores.map(() => 0);
  return t.score.scores.map((v, k, all) => (k === all.length - 1 ? 0 : (v as number)));
}

/**
 * How token `token` of trajectory `i` of the group got its advantage under `options` (the same options
 * groupAdvantages takes): the rule, the rule with the group's numbers, and the value.
 */
export function explainAdvantage(
  group: ScoredTrajectory[],
  i: number,
  token: number,
  options: Partial<AdvantageOptions> & Pick<AdvantageOptions, 'mode'>,
): AdvantageExplanation {
  const o: AdvantageOptions = { ...DEFAULT_ADVANTAGE_OPTIONS, ...options };
  const t = group[i];
  const formula = FORMULAS[o.mode](o.stdNormalize);
  const base = { mode: o.mode, formula };
  const why = droppedBecause(t);
  if (why) return { ...base, lines: [why], value: 0, masked: true };
  const kept = group.map((g) => keptScores(g, o));
  const zeroCut = t.truncated && o.processTruncation === 'zero-advantage';
  if (o.mode === 'sparse-grpo' || o.mode === 'outcome') return explainOutcome(base, group, kept, i, o);
  if (t.score.kind !== 'process') throw new Error(`mode '${o.mode}' needs process scores`);
  const k = segmentOf(t.score.segmentStarts, token);
  const s = kept[i] as number[];
  const K = s.length;
  const seg = { ...base, segment: k, masked: false };
  const cut =
    'the response hit the length limit: under the process modes a cut response gets 0 on every token (its scores count as 0)';
  const cutLast =
    'the response hit the length limit: its unfinished last segment scores 0, the others keep their scores';
  if (o.mode === 'group-norm') {
    let sum = 0,
      count = 0;
    group.forEach((g, n) => {
      const sc = kept[n];
      if (sc === null || g.score.kind !== 'process') return;
      const perToken = spreadSegments(g.length, g.score.segmentStarts, sc);
      for (let j = 0; j < perToken.length; j++) sum += perToken[j];
      count += g.length;
    });
    const mean = count > 0 ? sum / count : 0;
    const lines = [
      `mean = (sum over the ${count} kept tokens of the group of their segment's score) / ${count} = ${num(sum)} / ${count} = ${num(mean)}`,
    ];
    if (zeroCut) return { ...seg, lines: [...lines, cut], value: 0 };
    const value = s[k] - mean;
    return {
      ...seg,
      lines: [
        ...lines,
        ...(t.truncated ? [cutLast] : []),
        `A_${k + 1} = s_${k + 1} ${MINUS} mean = ${num(s[k])} ${MINUS} ${operand(mean)} = ${num(value)}`,
      ],
      value,
    };
  }
  if (zeroCut) return { ...seg, lines: [cut], value: 0 };
  const value = segmentAdvantages(s, o.mode)[k];
  const scores = `K = ${K} segment${K > 1 ? 's' : ''}, scores s = (${s.map(num).join(', ')})`;
  let line: string;
  if (o.mode === 'end-norm')
    line = `A_${k + 1} = s_${k + 1} ${MINUS} s_${K} = ${num(s[k])} ${MINUS} ${operand(s[K - 1])}`;
  else if (K === 1) line = `K = 1: A_1 = s_1`;
  else if (k === 0) line = `A_1 = s_1 ${MINUS} s_${K} = ${num(s[0])} ${MINUS} ${operand(s[K - 1])}`;
  else line = `A_${k + 1} = s_${k + 1} ${MINUS} s_${k} = ${num(s[k])} ${MINUS} ${operand(s[k - 1])}`;
  return { ...seg, lines: [...(t.truncated ? [cutLast] : []), scores, `${line} = ${num(value)}`], value };
}

function explainOutcome(
  base: { mode: AdvantageMode; formula: string },
  group: ScoredTrajectory[],
  kept: (number[] | null)[],
  i: number,
  o: AdvantageOptions,
): AdvantageExplanation {
  const rewards = kept.filter((k): k is number[] => k !== null).map((k) => k[0]);
  const { mean, std } = meanStd(rewards);
  const r = (kept[i] as number[])[0];
  const n = rewards.length;
  const dropped = group.length - n;
  const lines = [
    `the group's ${n} ${o.mode === 'sparse-grpo' ? '0/1 rewards' : 'judge rewards'}${dropped > 0 ? ` (${dropped} dropped)` : ''}: ${rewards.map(num).join(', ')}`,
    `mean = ${num(rewards.reduce((a, b) => a + b, 0))} / ${n} = ${num(mean)}`,
  ];
  if (o.stdNormalize) lines.push(`std = ${num(std)} (sample std, n ${MINUS} 1 = ${Math.max(0, n - 1)})`);
  if (group[i].truncated) {
    lines.push(`this response hit the length limit: its reward counts as 0`);
    if (o.truncation === 'zero-advantage')
      return { ...base, lines: [...lines, 'the older rule gives a cut response advantage 0'], value: 0, masked: false };
  }
  const value = o.stdNormalize ? (r - mean) / (std + o.eps) : r - mean;
  lines.push(
    o.stdNormalize
      ? `A = (${num(r)} ${MINUS} ${operand(mean)}) / (${num(std)} + ${o.eps}) = ${num(value)}`
      : `A = ${num(r)} ${MINUS} ${operand(mean)} = ${num(value)}`,
  );
  if (std === 0 && o.stdNormalize) lines.push('every kept reward is the same: A = 0 on every token (the dead zone)');
  return { ...base, lines, value, masked: false };
}

/** Self-distillation's advantage of one token: the frozen teacher's log-prob (with the reference) minus the student's. */
export function explainSelfDistillation(logpTeacher: number, logpStudent: number): AdvantageExplanation {
  const value = logpTeacher - logpStudent;
  return {
    mode: 'opsd',
    formula: 'A_t = log \u03c0_teacher(y_t | x, ref, y_<t) \u2212 log \u03c0_student(y_t | x, y_<t)',
    lines: [`A_t = ${num(logpTeacher)} ${MINUS} ${operand(logpStudent)} = ${num(value)}`],
    value,
    masked: false,
  };
}
