// The results viewer: a results.json written by `npm run experiment` (schema exprl-results/2 or /1,
// checked by src/experiment/results.ts), opened from a file picker or dropped on the page, shown as the
// same tables, bars and curves as runs made in the page: pass@1 / pass@k per arm and stage (mean and
// 95% interval over seeds; one seed has no interval) and the training curves of one stage and seed,
// each arm a run on shared axes. Any number of seeds and arms.

import { checkResultsFile, figures, meanCi, type ResultsFile, type Stage } from '../../experiment/results';
import type { RunRecord } from '../../store/records';
import { armColor } from './runview.svelte';
import { RlState } from './rl.svelte';
import type { PassBar } from './bars';

type Ci = { mean: number; half: number };

export interface ResultRow {
  arm: string;
  label: string;
  cells: { stage: Stage; p1: Ci; pk: Ci; judge: Ci; steps: Ci; seeds: number }[];
}

export class ResultsView {
  file = $state<ResultsFile | undefined>();
  name = $state('');
  error = $state<string | undefined>();
  stage = $state<Stage>('stage1'); // whose curves are shown
  seed = $state<number | undefined>();
  readonly curves = new RlState({ getMetrics: async () => [], getPreviews: async () => [] });

  async open(f: Blob & { name?: string }): Promise<void> {
    try {
      const r = checkResultsFile(JSON.parse(await f.text()));
      this.file = r;
      this.name = f.name ?? 'results.json';
      this.error = undefined;
      await this.showCurves('stage1', r.options.seeds[0]);
    } catch (e) {
      this.file = undefined;
      this.error = `${f.name ?? 'This file'} cannot be shown: ${e instanceof SyntaxError ? 'it is not JSON' : e instanceof Error ? e.message : String(e)}`;
    }
  }

  get stages(): Stage[] {
    return this.file && this.file.options.stageII.steps > 0 ? ['stage1', 'stage2'] : ['stage1'];
  }

  /** pass@1, pass@k and judge score per arm and stage (mean and 95% interval over done seeds). */
  get rows(): ResultRow[] {
    const r = this.file;
    if (!r) return [];
    return r.arms.map((a) => ({
      arm: a.id,
      label: a.label,
      cells: this.stages.map((stage) => {
        const p1 = figures(r, stage, (e) => e.passAt1).get(a.id) ?? [];
        return {
          stage,
          seeds: p1.length,
          p1: meanCi(p1),
          pk: meanCi(figures(r, stage, (e) => e.passAtK).get(a.id) ?? []),
          judge: meanCi(figures(r, stage, (e) => e.judgeScore).get(a.id) ?? []),
          steps: meanCi(figures(r, stage, (e) => e.stepsInOrder ?? null).get(a.id) ?? []),
        };
      }),
    }));
  }

  bars(stage: Stage): PassBar[] {
    return this.rows.flatMap((row, i) => {
      const c = row.cells.find((x) => x.stage === stage);
      if (!c || c.seeds === 0) return [];
      // one seed has no interval: its half-width (NaN) is left out, not drawn
      const half = (key: string, x: number) => (Number.isFinite(x) ? { [key]: x } : {});
      const steps = Number.isFinite(c.steps.mean) ? { steps: c.steps.mean, ...half('stepsHalf', c.steps.half) } : {};
      return [
        {
          label: row.label,
          color: armColor(row.arm, i),
          p1: c.p1.mean,
          pk: c.pk.mean,
          ...half('p1Half', c.p1.half),
          ...half('pkHalf', c.pk.half),
          ...steps,
          ...(Number.isFinite(c.judge.mean) ? { judge: c.judge.mean } : {}),
        },
      ];
    });
  }

  /** The seeds of the file (each its own curves). */
  get seeds(): number[] {
    return this.file?.options.seeds ?? [];
  }

  /** Each arm's training curve of a stage and seed (by default the shown seed) as a run on the shared axes. */
  async showCurves(stage: Stage, seed = this.seed ?? this.seeds[0]): Promise<void> {
    const r = this.file;
    if (!r) return;
    this.stage = stage;
    this.seed = seed;
    const cells = r.cells.filter((c) => c.stage === stage && c.seed === seed && c.curve.length > 0);
    const runs: RunRecord[] = cells.map((c) => ({
      id: `${c.arm}:${c.stage}:${c.seed}`,
      name: r.arms.find((a) => a.id === c.arm)?.label ?? c.arm,
      kind: stage === 'stage1' ? 'midtrain' : 'posttrain',
      createdAt: 0,
      updatedAt: 0,
      status: c.status === 'done' ? 'done' : 'stopped',
      step: c.steps,
      totalSteps: c.steps,
      config: { kind: 'rl', arm: c.arm, options: r.options },
      ...(c.eval ? { evaluation: c.eval } : {}),
    }));
    await this.curves.show(runs);
    this.curves.apply(
      cells.map((c) => ({ type: 'metrics' as const, runId: `${c.arm}:${c.stage}:${c.seed}`, points: c.curve })),
    );
  }
}
