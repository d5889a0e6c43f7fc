// A checkpoint as a Hugging Face GPT-2 model folder: model.safetensors (float32, GPT-2 tensor names),
// config.json (GPT2LMHeadModel) and the character tokenizer (tokenizer.json, tokenizer_config.json,
// vocab.json). The architecture already matches GPT-2: learned positions, pre-LayerNorm blocks
// (eps 1e-5), tanh GELU ("gelu_new"), q|k|v packed in one (C, 3C) matrix, output tied to wte without
// a bias, and every matrix stored (in, out) as GPT-2's Conv1D stores it, so tensors are copied as is.

import { decodeCheckpoint, type CheckpointTokenizer } from '../model/checkpoint';
import type { ModelConfig } from '../model/config';
import { buildLayout, view } from '../model/params';

export interface HfFile {
  name: string;
  bytes: Uint8Array;
}

/** Our tensor name -> the GPT-2 name in transformers' GPT2LMHeadModel. */
export function hfName(ours: string): string {
  const fixed: Record<string, string> = {
    wte: 'transformer.wte.weight',
    wpe: 'transformer.wpe.weight',
    'lnf.w': 'transformer.ln_f.weight',
    'lnf.b': 'transformer.ln_f.bias',
  };
  if (fixed[ours]) return fixed[ours];
  const m = /^h(\d+)\.(ln1|ln2|qkv|attproj|fc|fcproj)\.(w|b)$/.exec(ours);
  if (!m) throw new Error(`no GPT-2 name for tensor ${ours}`);
  const part = {
    ln1: 'ln_1',
    ln2: 'ln_2',
    qkv: 'attn.c_attn',
    attproj: 'attn.c_proj',
    fc: 'mlp.c_fc',
    fcproj: 'mlp.c_proj',
  }[m[2]];
  return `transformer.h.${m[1]}.${part}.${m[3] === 'w' ? 'weight' : 'bias'}`;
}

/** config.json of transformers' GPT2Config for this model. */
export function hfConfig(c: ModelConfig, tok: CheckpointTokenizer | undefined): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: c.vocabSize,
    n_positions: c.contextLength,
    n_ctx: c.contextLength,
    n_embd: c.dModel,
    n_layer: c.nLayers,
    n_head: c.nHeads,
    n_inner: c.mlpWidth,
    activation_function: 'gelu_new', // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    layer_norm_epsilon: 1e-5,
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
    summary_first_dropout: 0,
    initializer_range: 0.02,
    scale_attn_weights: true, // scores / sqrt(head size)
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    tie_word_embeddings: true, // logits = ln_f(x) . wte^T, no bias
    ...(tok ? { bos_token_id: tok.bos, eos_token_id: tok.eos, pad_token_id: tok.pad } : {}),
    torch_dtype: 'float32',
    use_cache: true,
  };
}

/** The safetensors container: u64 LE header length, JSON header (space-padded to 8 bytes), data. */
export function encodeSafetensors(
  tensors: { name: string; shape: number[]; data: Float32Array }[],
  metadata: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      throw new Error(`${t.name}: shape ${JSON.stringify(t.shape)} holds ${n} values, got ${t.data.length}`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error('safetensors export needs a little-endian machine');
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** The tokenizer files: a character-level BPE without merges (every character is one token). */
export function hfTokenizerFiles(tok: CheckpointTokenizer, contextLength: number): HfFile[] {
  const vocab = Object.fromEntries(tok.vocab.map((t, i) => [t, i]));
  const special = [tok.pad, tok.bos, tok.eos];
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((id) => ({
      id,
      content: tok.vocab[id],
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [],
    },
  };
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    pad_token: tok.vocab[tok.pad],
    bos_token: tok.vocab[tok.bos],
    eos_token: tok.vocab[tok.eos],
    model_max_length: contextLength,
    clean_up_tokenization_spaces: false,
  };
  const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x, null, 2) + '\n');
  return [
    { name: 'tokenizer.json', bytes: enc(tokenizer) },
    { name: 'tokenizer_config.json', bytes: enc(config) },
    { name: 'vocab.json', bytes: enc(vocab) },
  ];
}

/** Every file of the Hugging Face folder for a checkpoint's bytes. */
export function exportHf(checkpoint: ArrayBuffer): {
  files: HfFile[];
  config: ModelConfig;
  step: number;
  params: number;
} {
  const ck = decodeCheckpoint(checkpoint);
  const { config, step, tokenizer } = ck.header;
  const layout = buildLayout(config);
  const params = ck.sections.params;
  if (!params) throw new Error('the checkpoint has no "params" section');
  const tensors = layout.tensors.map((t) => ({ name: hfName(t.name), shape: t.shape, data: view(params, t) }));
  const metadata = { format: 'pt', source: 'exprl-playground checkpoint', step: String(step) };
  const files: HfFile[] = [
    { name: 'model.safetensors', bytes: encodeSafetensors(tensors, metadata) },
    {
      name: 'config.json',
      bytes: new TextEncoder().encode(JSON.stringify(hfConfig(config, tokenizer), null, 2) + '\n'),
    },
    ...(tokenizer ? hfTokenizerFiles(tokenizer, config.contextLength) : []),
  ];
  return { files, config, step, params: layout.count };
}
