// OPSD and SFT steps on the GPU: OPSD's per-token advantages equal the teacher-minus-student
// log-ratio computed independently by the CPU reference model; SFT lowers its loss on a fixed batch.
import { describe, it, expect } from 'vitest';
import { createRlLoop, startFresh } from '../../src/rl/start-weights';
import { DEFAULT_RL } from '../../src/rl/rl-config';
import { teacherBatch } from '../../src/rl/opsd';
import { sftStep, sftBatch } from '../../src/rl/sft';
import { RlPolicy } from '../../src/rl/policy';
import { CpuModel } from '../../src/model/cpu-model';
import type { ModelConfig } from '../../src/model/config';
import { VOCAB_SIZE, encode, BOS_ID } from '../../src/model/tokenizer';
import { testGpu } from '../helpers/gpu';

const CONFIG: ModelConfig = {
  vocabSize: VOCAB_SIZE,
  contextLength: 48,
  dModel: 16,
  nLayers: 1,
  nHeads: 2,
  mlpWidth: 32,
};

/** log p(seq[t+1] | seq[..t]) for t in [from, to) under the CPU reference model. */
function cpuLogprobs(params: Float32Array, seq: number[], from: number, to: number): number[] {
  const m = new CpuModel(CONFIG, 1, seq.length, 1);
  m.params.set(params);
  const logits = m.forward(Int32Array.from(seq));
  const V = CONFIG.vocabSize,
    out: number[] = [];
  for (let t = from; t < to; t++) {
    const row = logits.subarray(t * V, (t + 1) * V);
    const mx = Math.max(...row);
    const lse = mx + Math.log(row.reduce((a, x) => a + Math.exp(x - mx), 0));
    out.push(row[seq[t + 1]] - lse);
  }
  return out;
}

describe('OPSD and SFT', () => {
  it('teacherBatch puts the reference between the prompt and the student response', () => {
    const student = {
      S: 1,
      Tmax: 20,
      seqs: new Int32Array(20),
      promptLens: Int32Array.of(3),
      lengths: Int32Array.of(5),
    };
    student.seqs.set([BOS_ID, ...encode('Q:'), ...encode('ab')]);
    const tb = teacherBatch(student, [{ prompt: 'Q:', reference: 'xyz' }], 1, 40);
    const row = Array.from(tb.seqs.subarray(0, tb.lengths[0]));
    expect(row).toEqual([BOS_ID, ...encode('Q:Reference: xyz\nab')]);
    expect(tb.lengths[0] - tb.promptLens[0]).toBe(2);
    expect(() => teacherBatch(student, [{ prompt: 'Q:', reference: 'x'.repeat(100) }], 1, 22)).not.toThrow(); // cut to fit
  });

  it('OPSD advantages are log p_teacher - log p_student, per token', async () => {
    const g = await testGpu();
    const start = startFresh(CONFIG, 4);
    const cfg = {
      ...DEFAULT_RL,
      promptsPerStep: 2,
      groupSize: 2,
      maxNewTokens: 6,
      advantage: 'opsd' as const,
      truncationGuard: false,
      lr: 1e-3,
    };
    const loop = createRlLoop(g, start, cfg);
    const prompts = ['Q: 1+2\n', 'Q: 3*4\n'],
      refs = ['one and two make 3', 'three fours are 12'];
    const r = await loop.step(prompts, async () => ({ score: { kind: 'outcome', reward: 0 }, correct: 0 }), refs);
    for (const [s, tr] of r.traces.entries()) {
      const resp = Array.from(tr.tokens);
      if (resp.length === 0) continue;
      const p = [BOS_ID, ...encode(prompts[Math.floor(s / 2)])];
      const student = cpuLogprobs(start.params, [...p, ...resp], p.length - 1, p.length - 1 + resp.length);
      const tp = [BOS_ID, ...encode(prompts[Math.floor(s / 2)] + 'Reference: ' + refs[Math.floor(s / 2)] + '\n')];
      const teacher = cpuLogprobs(start.params, [...tp, ...resp], tp.length - 1, tp.length - 1 + resp.length);
      resp.forEach((_, j) => expect(tr.advantages[j]).toBeCloseTo(teacher[j] - student[j], 3));
    }
    expect(Number.isFinite(r.metrics['rl/grad_norm']) && r.metrics['rl/grad_norm'] > 0).toBe(true);
    loop.destroy();
  });

  it('SFT lowers the loss on a fixed batch and only counts reference tokens', async () => {
    const g = await testGpu();
    const policy = new RlPolicy(g, CONFIG, startFresh(CONFIG, 2).params, 4);
    const ex = [
      { prompt: 'Q: 2+2\n', reference: 'two and two: 4' },
      { prompt: 'Q: 5-1\n', reference: 'take one: 4' },
    ];
    const b = sftBatch(ex, CONFIG.contextLength);
    expect(b.lengths[0] - b.promptLens[0]).toBe('two and two: 4'.length + 1);
    const losses: number[] = [];
    for (let i = 0; i < 8; i++)
      losses.push((await sftStep(policy, ex, { lr: 1e-2, weightDecay: 0, maxGradNorm: 1 })).loss);
    expect(losses[0]).toBeGreaterThan(Math.log(VOCAB_SIZE) - 0.5); // fresh model: near-uniform
    expect(losses[7]).toBeLessThan(losses[0] - 0.5);
    policy.destroy();
  });
});
