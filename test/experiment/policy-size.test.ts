// An RL arm's policy holds only the padded batches its prompts and responses can make (not the whole context):
// the demo's arms would otherwise hold ~1 GB of attention maps each at 512 positions. OPSD's teacher
// reads longer inputs and keeps the context; a step whose padded batch would not fit fails with a clear error.
import { describe, it, expect } from 'vitest';
import { ARMS } from '../../src/experiment/arms';
import { PRESETS } from '../../src/experiment/presets';
import { trainingJob, type CellWorld } from '../../src/experiment/cell-jobs';
import { hardProblems } from '../../src/tasks/splits';
import { startFresh } from '../../src/rl/start-weights';
import { MODEL_PRESETS } from '../../src/model/config';
import { RlJob } from '../../src/run/rl-job';
import { RlPolicy } from '../../src/rl/policy';
import { buildLayout, initParams } from '../../src/model/params';
import { encode } from '../../src/model/tokenizer';
import { testGpu } from '../helpers/gpu';

describe('the size of an RL arm policy', () => {
  it('a judged arm holds its longest prompt plus the response limit, padded to a multiple of 16; OPSD the context', async () => {
    const g = await testGpu();
    const train = hardProblems({}, 'train', 8);
    const w: CellWorld = { options: PRESETS.smoke, train, eval: [], maxNewTokens: 40 };
    const start = startFresh(MODEL_PRESETS['tiny-512'], 1);
    const longest = Math.max(...train.map((p) => encode(p.prompt).length + 1));
    const job = trainingJob(g, w, ARMS.process, 'stage1', 1, { start }) as RlJob<never>;
    expect(job.loop.policy.model.maxT).toBe(Math.ceil((longest + 40 - 1) / 16) * 16);
    expect(job.loop.policy.model.maxT).toBeLessThan(512);
    job.destroy();
    const opsd = trainingJob(g, w, ARMS.opsd, 'stage1', 1, { start }) as RlJob<never>;
    expect(opsd.loop.policy.model.maxT).toBe(512);
    opsd.destroy();
  });

  it('a padded batch longer than the policy holds is refused, naming the sizes', async () => {
    const g = await testGpu();
    const c = MODEL_PRESETS.tiny;
    const policy = new RlPolicy(g, c, initParams(c, buildLayout(c), 1), 2, undefined, 16);
    expect(() => policy.model.forward(2, 32)).toThrow(/does not fit the model's buffers, allocated for at most 2x16/);
    policy.destroy();
  });
});
