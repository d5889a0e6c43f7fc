// The verdict on method.md's five effects, computed from a results file: for each effect what the
// paper reports, what this run shows (means and 95% intervals over seeds) and whether the effect is
// shown (the arms' intervals apart in the paper's direction), not shown, or not measured by the run.
// The figures come from the file alone, so anyone can recheck a verdict from the shipped results.

import type { ArmId } from './arms';
import { figures, meanCi, type ResultsFile, type Stage } from './results';
import type { MetricPoint } from '../store/records';

export interface Verdict {
  effect: string;
  paper: string;
  toy: string; // the figures, with intervals
  verdict: 'shown' | 'not shown' | 'not run';
}

type Ci = { mean: number; half: number };
const fmt = (c: Ci, f = (x: number) => (100 * x).toFixed(1)) =>
  Number.isFinite(c.half) ? `${f(c.mean)} ± ${f(c.half)}` : Number.isFinite(c.mean) ? f(c.mean) : '-';
const dec = (x: number) => x.toFixed(3);
/** a's interval lies wholly above b's (a single seed has no interval: never "apart"). */
const above = (a: Ci, b: Ci) => Number.isFinite(a.half) && Number.isFinite(b.half) && a.mean - a.half > b.mean + b.half;

/** Mean of a metric over a fraction of a cell's curve: 'first' or 'last' quarter, or 'all' steps. */
function curveMean(curve: MetricPoint[], metric: string, part: CurvePart): number | null {
  const pts = curve.filter((p) => Number.isFinite(p.values[metric]));
  if (pts.length === 0) return null;
  const q = Math.max(1, Math.round(pts.length / 4));
  const use =
    part === 'all' ? pts : part === 'first' ? pts.slice(0, q) : part === 'last' ? pts.slice(-q) : pts.slice(-1);
  return use.reduce((a, p) => a + p.values[metric], 0) / use.length;
}

/** Which points of a curve: its first or last quarter, all of it, or its final point. */
type CurvePart = 'first' | 'last' | 'all' | 'final';

function curveCi(r: ResultsFile, arm: ArmId, metric: string, part: CurvePart): Ci {
  const xs = r.cells
    .filter((c) => c.arm === arm && c.stage === 'stage1' && c.status === 'done')
    .map((c) => curveMean(c.curve, metric, part))
    .filter((x): x is number => x !== null);
  return meanCi(xs);
}

function evalCi(r: ResultsFile, arm: ArmId, stage: Stage, pick: Parameters<typeof figures>[2]): Ci {
  return meanCi(figures(r, stage, pick).get(arm) ?? []);
}

/** The verdict table's rows for a results file. */
export function verdicts(r: ResultsFile): Verdict[] {
  const has = (a: ArmId) => r.options.arms.includes(a);
  const k = [16, r.options.eval.k].find((x) => x <= r.options.eval.n) ?? 1;
  const passK = (e: Parameters<Parameters<typeof figures>[2]>[0]) =>
    e.passAt?.[String(k)] ?? (k === e.k ? e.passAtK : null);
  const steps = (e: Parameters<Parameters<typeof figures>[2]>[0]) => e.stepsInOrder ?? null;
  const baselines = (['base', 'sft', 'grpo', 'opsd'] as ArmId[]).filter(has);
  const out: Verdict[] = [];

  // 1. the dead zone
  if (has('grpo') && has('process')) {
    const deadFirst = curveCi(r, 'process', 'rl/frac_sparse_zero_std', 'first'),
      deadLast = curveCi(r, 'process', 'rl/frac_sparse_zero_std', 'last');
    const grpoDead = curveCi(r, 'grpo', 'rl/frac_sparse_zero_std', 'all'),
      judgeFlat = curveCi(r, 'process', 'rl/frac_reward_zero_std', 'first');
    out.push({
      effect: '1. Dead zone: sparse groups without variance, judge rewards vary',
      paper: 'hard problems: pass@k near 0, GRPO groups all-equal',
      toy:
        `sparse GRPO groups with no 0/1 variance ${fmt(grpoDead)}%; ExpRL-Process groups with no judge-reward variance ${fmt(judgeFlat)}%; ` +
        `ExpRL-Process dead-zone share, first -> last quarter of Stage I: ${fmt(deadFirst)}% -> ${fmt(deadLast)}%`,
      verdict: grpoDead.mean >= 0.8 && above(grpoDead, judgeFlat) ? 'shown' : 'not shown',
    });
  }
  // 2. Stage I: ExpRL above every baseline, Process >= Outcome
  if (has('process') && baselines.length > 0) {
    const p = evalCi(r, 'process', 'stage1', steps),
      pk = evalCi(r, 'process', 'stage1', passK);
    const best = baselines.map((a) => ({ a, s: evalCi(r, a, 'stage1', steps), k: evalCi(r, a, 'stage1', passK) }));
    const label = (a: ArmId) => r.arms.find((x) => x.id === a)?.label ?? a;
    out.push({
      effect: '2. After Stage I, ExpRL above the baselines (Process >= Outcome)',
      paper: 'HMMT pass@1: base 40.60, Outcome 44.19, Process 45.24',
      toy:
        `steps right in order: ExpRL-Process ${fmt(p)}%` +
        (has('outcome') ? `, Outcome ${fmt(evalCi(r, 'outcome', 'stage1', steps))}%` : '') +
        `, ${best.map((b) => `${label(b.a)} ${fmt(b.s)}%`).join(', ')}; pass@${k}: Process ${fmt(pk)}%, ${best.map((b) => `${label(b.a)} ${fmt(b.k)}%`).join(', ')}`,
      verdict: best.every((b) => above(p, b.s)) ? 'shown' : 'not shown',
    });
  }
  // 3. entropy and prompts unlocked
  if (has('grpo') && has('process')) {
    const ep = curveCi(r, 'process', 'rl/entropy', 'last'),
      eg = curveCi(r, 'grpo', 'rl/entropy', 'last');
    const up = curveCi(r, 'process', 'rl/solvable_unlocked', 'final'), // a running count: its value at the end
      ug = curveCi(r, 'grpo', 'rl/solvable_unlocked', 'final');
    out.push({
      effect: '3. ExpRL keeps entropy higher and unlocks prompts faster than sparse GRPO',
      paper: 'higher entropy, more solvable prompts unlocked',
      toy: `entropy (last quarter of Stage I, nats/token): Process ${fmt(ep, dec)}, sparse GRPO ${fmt(eg, dec)}; prompts unlocked by the end: Process ${fmt(up, (x) => x.toFixed(1))}, sparse GRPO ${fmt(ug, (x) => x.toFixed(1))}`,
      verdict: above(ep, eg) && above(up, ug) ? 'shown' : 'not shown',
    });
  }
  // 4. Stage II
  if (r.options.stageII.steps > 0 && has('process')) {
    const others = (['base', 'sft', 'grpo', 'opsd', 'outcome'] as ArmId[]).filter(has);
    const p = evalCi(r, 'process', 'stage2', passK);
    out.push({
      effect: '4. Stage II from ExpRL ends higher than from any other start',
      paper: 'AIME26 pass@1: Process 63.41 vs 58.75 for the best baseline',
      toy: `pass@${k} after Stage II: Process ${fmt(p)}%, ${others.map((a) => `${r.arms.find((x) => x.id === a)?.label ?? a} ${fmt(evalCi(r, a, 'stage2', passK))}%`).join(', ')}`,
      verdict: others.every((a) => above(p, evalCi(r, a, 'stage2', passK))) ? 'shown' : 'not shown',
    });
  } else
    out.push({
      effect: '4. Stage II from ExpRL ends higher than from any other start',
      paper: 'AIME26 pass@1: 63.41 vs 58.75',
      toy: 'no Stage II in this run',
      verdict: 'not run',
    });
  // 5. the reference
  if (has('process') && (has('no-reference') || has('wrong-reference'))) {
    const p = evalCi(r, 'process', 'stage1', steps);
    const abl = (['no-reference', 'wrong-reference'] as ArmId[])
      .filter(has)
      .map((a) => ({ a, c: evalCi(r, a, 'stage1', steps) }));
    out.push({
      effect: '5. The reference matters: no or a wrong reference gives smaller gains',
      paper: 'judge error ~18% with the reference, ~39% without, ~50% with a wrong one',
      toy: `steps right in order after Stage I: true reference ${fmt(p)}%, ${abl.map((x) => `${x.a} ${fmt(x.c)}%`).join(', ')}`,
      verdict: abl.every((x) => above(p, x.c)) ? 'shown' : 'not shown',
    });
  } else
    out.push({
      effect: '5. The reference matters',
      paper: 'smaller gains without or with a wrong reference',
      toy: 'no reference ablation in this run',
      verdict: 'not run',
    });
  return out;
}

/** The verdict table in markdown. */
export function verdictMarkdown(r: ResultsFile): string {
  return [
    '| effect (method.md) | the paper | this run (mean ± 95% interval over seeds) | verdict |',
    '|---|---|---|---|',
    ...verdicts(r).map((v) => `| ${v.effect} | ${v.paper} | ${v.toy} | ${v.verdict} |`),
  ].join('\n');
}
