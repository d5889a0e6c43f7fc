// An independent CPU forward pass of a Hugging Face GPT-2 checkpoint, in float64, driven only by
// config.json and the tensor names of transformers' GPT2LMHeadModel (written from GPT-2's published
// architecture, sharing no code with src/): token + learned position embeddings; per block
// x += c_proj(attn(ln_1(x))), x += mlp(ln_2(x)) with Conv1D y = x W + b (W stored in x out); causal
// attention with q|k|v columns of c_attn, head h on columns h*hs..(h+1)*hs, scores / sqrt(hs);
// activation_function gelu_new (tanh); ln_f, then logits = x wte^T (tied, no bias).

import type { SafeTensor } from './safetensors-read';

export interface Gpt2Config {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_inner: number | null;
  layer_norm_epsilon: number;
  activation_function: string;
  tie_word_embeddings?: boolean;
  scale_attn_weights?: boolean;
}

function layerNorm(x: Float64Array, w: Float64Array, b: Float64Array, eps: number): Float64Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let vr = 0;
  for (const v of x) vr += (v - mean) ** 2;
  vr /= x.length; // biased variance, as torch.nn.LayerNorm
  const r = 1 / Math.sqrt(vr + eps);
  return x.map((v, i) => (v - mean) * r * w[i] + b[i]);
}

/** Conv1D: y[j] = sum_i x[i] W[i, j] + b[j], W of shape (in, out). */
function conv1d(x: Float64Array, w: SafeTensor, b: SafeTensor): Float64Array {
  const [nin, nout] = w.shape;
  const y = Float64Array.from(b.data);
  for (let i = 0; i < nin; i++) for (let j = 0; j < nout; j++) y[j] += x[i] * w.data[i * nout + j];
  return y;
}

function activation(name: string): (x: number) => number {
  if (name === 'gelu_new' || name === 'gelu_pytorch_tanh')
    return (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  throw new Error(`activation ${name} not implemented here`);
}

/** logits (T, V) of one sequence of token ids. */
export function gpt2Logits(cfg: Gpt2Config, t: Map<string, SafeTensor>, ids: number[]): Float64Array[] {
  const get = (name: string) => {
    const x = t.get(name);
    if (!x) throw new Error(`missing tensor ${name}`);
    return x;
  };
  const C = cfg.n_embd,
    H = cfg.n_head,
    hs = C / H,
    eps = cfg.layer_norm_epsilon;
  const act = activation(cfg.activation_function);
  if (ids.length > cfg.n_positions) throw new Error('sequence longer than n_positions');
  const wte = get('transformer.wte.weight'),
    wpe = get('transformer.wpe.weight');
  let xs = ids.map((id, p) => Float64Array.from({ length: C }, (_, c) => wte.data[id * C + c] + wpe.data[p * C + c]));
  for (let l = 0; l < cfg.n_layer; l++) {
    const P = `transformer.h.${l}.`;
    const qkv = xs.map((x) =>
      conv1d(
        layerNorm(x, get(P + 'ln_1.weight').data, get(P + 'ln_1.bias').data, eps),
        get(P + 'attn.c_attn.weight'),
        get(P + 'attn.c_attn.bias'),
      ),
    );
    const attn = xs.map((_, i) => {
      const out = new Float64Array(C);
      for (let h = 0; h < H; h++) {
        const scores: number[] = [];
        for (let j = 0; j <= i; j++) {
          // causal: position i sees 0..i
          let s = 0;
          for (let d = 0; d < hs; d++) s += qkv[i][h * hs + d] * qkv[j][C + h * hs + d];
          scores.push(cfg.scale_attn_weights === false ? s : s / Math.sqrt(hs));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++)
          for (let d = 0; d < hs; d++) out[h * hs + d] += (e[j] / z) * qkv[j][2 * C + h * hs + d];
      }
      return out;
    });
    xs = xs.map((x, i) => {
      const a = conv1d(attn[i], get(P + 'attn.c_proj.weight'), get(P + 'attn.c_proj.bias'));
      const r = x.map((v, c) => v + a[c]);
      const hdn = conv1d(
        layerNorm(r, get(P + 'ln_2.weight').data, get(P + 'ln_2.bias').data, eps),
        get(P + 'mlp.c_fc.weight'),
        get(P + 'mlp.c_fc.bias'),
      ).map(act);
      const m = conv1d(hdn, get(P + 'mlp.c_proj.weight'), get(P + 'mlp.c_proj.bias'));
      return r.map((v, c) => v + m[c]);
    });
  }
  const head = t.get('lm_head.weight') ?? (cfg.tie_word_embeddings !== false ? wte : undefined);
  if (!head) throw new Error('no lm_head.weight and the embeddings are not tied');
  return xs.map((x) => {
    const f = layerNorm(x, get('transformer.ln_f.weight').data, get('transformer.ln_f.bias').data, eps);
    return Float64Array.from({ length: cfg.vocab_size }, (_, v) => {
      let s = 0;
      for (let c = 0; c < C; c++) s += f[c] * head.data[v * C + c];
      return s;
    });
  });
}
