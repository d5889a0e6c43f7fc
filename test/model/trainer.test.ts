// The pre-training step reports a diverged (NaN) step with a clear error and skips the update: the
// weights and the step counters stay as they were, so the run can resume from its last good state.
import { describe, it, expect } from 'vitest';
import { Pretrainer } from '../../src/model/trainer';
import { DEFAULT_PRETRAIN, type PretrainOptions } from '../../src/model/trainer-api';
import type { ModelConfig } from '../../src/model/config';
import { builtinCorpus } from '../../src/tasks/facts';
import { readF32, upload } from '../../src/gpu/buffers';
import { testGpu } from '../helpers/gpu';

const CONFIG: ModelConfig = { vocabSize: 99, contextLength: 24, dModel: 16, nLayers: 1, nHeads: 2, mlpWidth: 32 };
const OPTS: PretrainOptions = {
  ...DEFAULT_PRETRAIN,
  model: CONFIG,
  batchSize: 2,
  seqLength: 12,
  steps: 10,
  warmupSteps: 2,
};

describe('pre-training step', () => {
  it('a NaN loss is an error naming the step; the update is skipped', async () => {
    const g = await testGpu();
    const t = await Pretrainer.create(g, OPTS, builtinCorpus({ count: 40, maxOperand: 20, seed: 2 }));
    const ok = await t.step();
    expect(Number.isFinite(ok.loss)).toBe(true);
    const P = t.model.layout.total;
    const params = await readF32(g.device, t.model.params, P);
    const broken = params.slice();
    broken[t.model.layout.lnfw.offset] = NaN; // poisons every logit
    upload(g.device, t.model.params, broken);
    const m0 = await readF32(g.device, t.optim.m, P);
    await expect(t.step()).rejects.toThrow(/training diverged at step 2: loss NaN.*update was skipped/);
    expect(t.stepCount).toBe(1);
    expect(t.optim.step).toBe(1);
    const after = await readF32(g.device, t.model.params, P);
    expect(Buffer.from(after.buffer).equals(Buffer.from(broken.buffer))).toBe(true); // untouched by AdamW
    expect(Buffer.from((await readF32(g.device, t.optim.m, P)).buffer).equals(Buffer.from(m0.buffer))).toBe(true);
    t.destroy();
  });

  it('refuses options it cannot run, naming the option', async () => {
    const g = await testGpu();
    const corpus = builtinCorpus({ count: 10, maxOperand: 9, seed: 1 });
    await expect(Pretrainer.create(g, { ...OPTS, seqLength: 100 }, corpus)).rejects.toThrow(
      /seqLength must be an integer in \[2, 24\]/,
    );
    await expect(Pretrainer.create(g, { ...OPTS, lr: -1 }, corpus)).rejects.toThrow(/lr must be a number in \(0, 1\)/);
    await expect(Pretrainer.create(g, OPTS, ['café'])).rejects.toThrow(/corpus example 1: cannot encode character "é"/);
  });
});
