// The Results tab on real results files of 1 and 2 seeds and 4 and 11 arms (test/fixtures/results/, made
// by `npm run experiment -- --preset smoke`, and the shipped demo over three seeds cut to one seed):
// every bar is a finite value (one seed has no interval, never a NaN one), every arm's line is told
// apart from the others, a missing value reaches the chart as a gap, and each RL arm's reward is set
// against the verifier's figures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ResultsView } from '../../src/ui/state/results-view.svelte';
import { barHalf, barPercent, barsTop } from '../../src/ui/state/bars';
import { plotData } from '../../src/ui/state/plot-data';
import { lineStyles } from '../../src/ui/state/runview.svelte';
import { truthRuns } from '../../src/ui/state/truth';
import { ARM_IDS } from '../../src/experiment/arms';
import type { ResultsFile } from '../../src/experiment/results';

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
const ONE_SEED = 'test/fixtures/results/smoke-1-seed.json';
const TWO_SEEDS = 'test/fixtures/results/smoke-2-seeds.json';
const DEMO = 'public/results/demo-3-seeds.json';

/** The shipped demo cut to its first seed: a one-seed file with real curves and evaluations. */
function demoOneSeed(): ResultsFile {
  const r = read(DEMO);
  const seed = r.options.seeds[0];
  return { ...r, options: { ...r.options, seeds: [seed] }, cells: r.cells.filter((c) => c.seed === seed) };
}

async function view(r: ResultsFile): Promise<ResultsView> {
  const v = new ResultsView();
  await v.open(new File([JSON.stringify(r)], 'results.json'));
  expect(v.error).toBeUndefined();
  return v;
}

const keysOf = (bars: object[]) => new Set(bars.flatMap((b) => Object.keys(b)));

describe('results viewer', () => {
  it('draws one seed: finite bars without intervals, on a finite axis', async () => {
    for (const r of [demoOneSeed(), read(ONE_SEED)]) {
      const v = await view(r);
      expect(r.options.seeds).toHaveLength(1);
      for (const stage of v.stages) {
        const bars = v.bars(stage);
        expect(bars).toHaveLength(r.arms.length);
        for (const b of bars) for (const x of [b.p1, b.pk, b.steps]) expect(Number.isFinite(x)).toBe(true);
        for (const half of ['p1Half', 'pkHalf', 'stepsHalf']) expect(keysOf(bars).has(half)).toBe(false);
        expect(Number.isFinite(barsTop(bars))).toBe(true);
      }
    }
  });

  it('keeps an interval that is not finite out of the axis', () => {
    const bar = { label: 'a', color: '#000', p1: 0.5, pk: 0.7, p1Half: NaN, pkHalf: 0.1 };
    expect(barsTop([bar])).toBeCloseTo(0.8 * 1.15, 12);
  });

  it('writes a bar value as a percentage to one decimal and its interval, a missing one as a dash', () => {
    expect(barPercent(0.4489)).toBe('44.9%');
    expect(barPercent(0)).toBe('0.0%');
    for (const none of [undefined, NaN, Infinity]) expect(barPercent(none)).toBe('–');
    expect(barHalf(0.0402)).toBe(' ± 4.0');
    for (const none of [undefined, NaN]) expect(barHalf(none)).toBe('');
  });

  it('reads all eleven arms over two seeds, with intervals, and the curves of either seed', async () => {
    const r = read(TWO_SEEDS);
    expect(r.arms.map((a) => a.id)).toEqual([...ARM_IDS]);
    const v = await view(r);
    expect(v.seeds).toEqual([1, 2]);
    const bars = v.bars('stage2');
    expect(bars).toHaveLength(ARM_IDS.length);
    expect(bars.every((b) => Number.isFinite(b.p1Half) && Number.isFinite(b.pkHalf))).toBe(true);
    await v.showCurves('stage2', 2);
    expect([v.stage, v.seed]).toEqual(['stage2', 2]);
    expect(v.curves.views.length).toBeGreaterThan(0);
    expect(v.curves.views.every((x) => x.run.id.endsWith(':stage2:2'))).toBe(true);
    await v.showCurves('stage1'); // the seed stays
    expect(v.curves.views.every((x) => x.run.id.endsWith(':stage1:2'))).toBe(true);
  });

  it('tells every arm apart in one chart: no two runs share colour and dash', async () => {
    const v = await view(read(ONE_SEED));
    const styles = lineStyles(v.curves.views).map((s) => `${s.color} ${s.dash?.join(',') ?? 'solid'}`);
    expect(v.curves.views.length).toBe(ARM_IDS.length - 1); // Base has no Stage I curve
    expect(new Set(styles).size).toBe(styles.length);
  });

  it('sets each RL arm against the truth (SFT and Base have no RL steps)', async () => {
    const v = await view(read(ONE_SEED));
    const runs = truthRuns(v.curves.views);
    expect(runs.map((x) => x.view.arm).sort()).toEqual(ARM_IDS.filter((a) => a !== 'sft' && a !== 'base').sort());
    expect(runs.every((x) => x.verified)).toBe(true);
    // a file from before the verifier's per-step figures: its arms are drawn, marked unverified
    const demo = demoOneSeed();
    const older = {
      ...demo,
      cells: demo.cells.map((c) => ({
        ...c,
        curve: c.curve.map((p) => ({
          ...p,
          values: Object.fromEntries(Object.entries(p.values).filter(([k]) => !/steps_in_order|all_steps/.test(k))),
        })),
      })),
    };
    const old = truthRuns((await view(older)).curves.views);
    expect(old.map((x) => [x.view.arm, x.verified])).toEqual(demo.options.arms.map((a) => [a, false]));
    expect(truthRuns((await view(demo)).curves.views).every((x) => x.verified)).toBe(true);
  });

  it('hands a missing value to the chart as a gap, so the axis keeps its range', () => {
    expect(
      plotData([
        [1, 2, 3],
        [0.5, NaN, 1],
        [NaN, NaN, NaN],
      ]),
    ).toEqual([
      [1, 2, 3],
      [0.5, null, 1],
      [null, null, null],
    ]);
  });
});
