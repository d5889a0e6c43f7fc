// `npm run export`: the Hugging Face GPT-2 folder is read back with a safetensors reader written from
// the format's specification (test/helpers/safetensors-read.ts), the model is rebuilt from config.json
// alone by an independent float64 forward pass (test/helpers/gpt2-forward.ts), and its logits match
// the GPU model's. The task sets come out in TRL's and verl's row shapes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCli, type ExportCliIo } from '../../src/cli/export';
import { encodeCheckpoint } from '../../src/model/checkpoint';
import type { ModelConfig } from '../../src/model/config';
import { GpuModel } from '../../src/model/gpu-model';
import { buildLayout } from '../../src/model/params';
import { VOCAB } from '../../src/model/tokenizer';
import { upload } from '../../src/gpu/buffers';
import { gaussian, mulberry32, randomInts } from '../../src/util/rng';
import { readJsonl } from '../../src/util/jsonl';
import { fromGpu, run, testGpu } from '../helpers/gpu';
import { gpt2Logits, type Gpt2Config } from '../helpers/gpt2-forward';
import { readSafetensors } from '../helpers/safetensors-read';

const dir = mkdtempSync(join(tmpdir(), 'exprl-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Awkward sizes (head size 8, MLP not 4C), the character vocabulary, the whole context used.
const CONFIG: ModelConfig = {
  vocabSize: VOCAB.length,
  contextLength: 20,
  dModel: 24,
  nLayers: 2,
  nHeads: 3,
  mlpWidth: 40,
};
const B = 2,
  T = 20;

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: ExportCliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => readFileSync(p),
    writeFile: (p, d) => writeFileSync(p, d),
    mkdir: (p) => mkdirSync(p, { recursive: true }),
  };
  return { io, out, err };
}

/** Parameters far from the initialisation (std 0.3, LayerNorm gains around 1) so logits are large. */
function randomParams(seed: number): Float32Array {
  const layout = buildLayout(CONFIG);
  const rng = mulberry32(seed);
  const p = new Float32Array(layout.total);
  for (const t of layout.tensors)
    for (let i = 0; i < t.size; i++) p[t.offset + i] = (t.init === 'ones' ? 1 : 0) + 0.3 * gaussian(rng);
  return p;
}

describe('npm run export -- CHECKPOINT DIR', () => {
  it('an independent reader and forward pass, from config.json alone, match the GPU logits', async () => {
    const params = randomParams(7);
    const ckpt = join(dir, 'model.ckpt');
    writeFileSync(ckpt, new Uint8Array(encodeCheckpoint(CONFIG, 42, { params })));
    const outDir = join(dir, 'hf');
    const m = captureIo();
    expect(await exportCli([ckpt, outDir], m.io)).toBe(0);
    expect(m.out[0]).toBe(
      `wrote model.safetensors, config.json, tokenizer.json, tokenizer_config.json, vocab.json to ${outDir}`,
    );

    const config = JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8')) as Gpt2Config &
      Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      vocab_size: 99,
      n_positions: 20,
      n_embd: 24,
      n_layer: 2,
      n_head: 3,
      n_inner: 40,
      activation_function: 'gelu_new',
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: true,
      bos_token_id: 1,
      eos_token_id: 2,
      pad_token_id: 0,
    });
    const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(join(outDir, 'model.safetensors'))));
    expect(metadata).toEqual({ format: 'pt', source: 'exprl-playground checkpoint', step: '42' });
    const per = (l: number) =>
      [
        'ln_1.weight',
        'ln_1.bias',
        'attn.c_attn.weight',
        'attn.c_attn.bias',
        'attn.c_proj.weight',
        'attn.c_proj.bias',
        'ln_2.weight',
        'ln_2.bias',
        'mlp.c_fc.weight',
        'mlp.c_fc.bias',
        'mlp.c_proj.weight',
        'mlp.c_proj.bias',
      ].map((n) => `transformer.h.${l}.${n}`);
    expect([...tensors.keys()].sort()).toEqual(
      [
        'transformer.wte.weight',
        'transformer.wpe.weight',
        ...per(0),
        ...per(1),
        'transformer.ln_f.weight',
        'transformer.ln_f.bias',
      ].sort(),
    );
    expect(tensors.get('transformer.h.1.attn.c_attn.weight')!.shape).toEqual([24, 72]); // Conv1D: (in, out)
    expect(tensors.get('transformer.h.0.mlp.c_proj.weight')!.shape).toEqual([40, 24]);
    const tok = JSON.parse(readFileSync(join(outDir, 'tokenizer.json'), 'utf8')) as {
      model: { vocab: Record<string, number> };
    };
    expect(VOCAB.every((c, i) => tok.model.vocab[c] === i)).toBe(true);

    // GPU logits of two random sequences filling the context.
    const g = await testGpu();
    const gm = new GpuModel(g, CONFIG, B, T);
    const tokens = randomInts(mulberry32(3), B * T, 0, CONFIG.vocabSize - 1);
    upload(g.device, gm.params, params);
    upload(g.device, gm.tokens, tokens);
    await run(g, gm.forward(B, T));
    const gpu = await fromGpu(g, gm.acts.logits, B * T * CONFIG.vocabSize);
    gm.destroy();

    let maxDiff = 0,
      maxAbs = 0;
    for (let b = 0; b < B; b++) {
      const ref = gpt2Logits(config, tensors, Array.from(tokens.subarray(b * T, (b + 1) * T)));
      ref.forEach((row, t) =>
        row.forEach((v, k) => {
          maxDiff = Math.max(maxDiff, Math.abs(v - gpu[(b * T + t) * CONFIG.vocabSize + k]));
          maxAbs = Math.max(maxAbs, Math.abs(v));
        }),
      );
    }
    console.log(
      `export check: max |logit| ${maxAbs.toFixed(3)}, max |GPU - independent f64 forward| ${maxDiff.toExponential(2)}`,
    );
    expect(maxAbs).toBeGreaterThan(1);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('refuses a missing file and a file that is not a checkpoint', async () => {
    const m = captureIo();
    expect(await exportCli([join(dir, 'none.ckpt'), join(dir, 'x')], m.io)).toBe(2);
    expect(m.err[0]).toMatch(/^error: cannot read checkpoint .*none\.ckpt: ENOENT/);
    const n = captureIo();
    expect(await exportCli(['package.json', join(dir, 'x')], n.io)).toBe(1);
    expect(n.err[0]).toMatch(/^error: not a checkpoint: magic is ".*", expected EXPRLCKP$/);
  });
});

describe('npm run export -- --tasks DIR', () => {
  it('writes the train and eval sets in TRL and verl row shapes, the reference beside the prompt', async () => {
    const out = join(dir, 'tasks');
    const m = captureIo();
    expect(await exportCli(['--tasks', out, '--train', '5', '--eval', '3'], m.io)).toBe(0);
    const rows = (f: string) =>
      readJsonl(readFileSync(join(out, f), 'utf8')).rows.map((r) => r.value as Record<string, unknown>);
    const trl = rows('train.trl.jsonl');
    expect(trl).toHaveLength(5);
    expect(rows('eval.trl.jsonl')).toHaveLength(3);
    expect(Object.keys(trl[0])).toEqual(['prompt', 'reference', 'answer', 'id', 'source']);
    expect(trl[0].prompt).toMatch(/^Q: .*\n$/);
    expect(trl[0].prompt).not.toContain(trl[0].reference as string);
    const verl = rows('train.verl.jsonl');
    expect(verl[0]).toEqual({
      data_source: 'exprl/chain',
      prompt: [{ role: 'user', content: trl[0].prompt }],
      ability: 'math',
      reward_model: { style: 'rule', ground_truth: trl[0].answer },
      extra_info: { split: 'train', index: 0, id: trl[0].id, reference: trl[0].reference },
    });
    const d = captureIo();
    expect(await exportCli(['--tasks', out, '--dataset', '../shared/data/gsm8k/test.jsonl'], d.io)).toBe(0);
    const gsm = rows('test.verl.jsonl');
    expect(gsm).toHaveLength(1319);
    expect(gsm[0]).toMatchObject({ data_source: 'exprl/test', reward_model: { ground_truth: '18' } });
    expect(await exportCli(['--tasks', out, '--dataset', 'x.jsonl', '--seed', '2'], captureIo().io)).toBe(2);
  });
});
