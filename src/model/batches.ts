// Next-token training batches from a corpus of examples. Each example is framed as
// <bos> text <eos>; each row of a batch starts at the <bos> of a random example (so position 0 is
// always <bos>, as at generation time) and runs on through the following examples.

import { encode, BOS_ID, EOS_ID } from './tokenizer';
import { mulberry32, type Rng } from '../util/rng';

export interface Batch {
  B: number;
  T: number;
  tokens: Int32Array; // (B,T) inputs
  targets: Int32Array; // (B,T) next tokens
  weights: Float32Array; // (B,T) per-token loss weight: 1 / (B*T)
}

export class BatchSampler {
  private readonly stream: Int32Array; // all examples framed and concatenated
  private readonly starts: Int32Array; // offset of each example's <bos> in stream
  private rng: Rng;

  constructor(corpus: string[], seed: number) {
    if (corpus.length === 0) throw new Error('the training corpus is empty');
    const parts: Int32Array[] = [];
    const starts: number[] = [];
    let n = 0;
    corpus.forEach((text, idx) => {
      let ids: Int32Array;
      try {
        ids = encode(text);
      } catch (e) {
        throw new Error(`corpus example ${idx + 1}: ${(e as Error).message}`);
      }
      starts.push(n);
      const framed = new Int32Array(ids.length + 2);
      framed[0] = BOS_ID;
      framed.set(ids, 1);
      framed[ids.length + 1] = EOS_ID;
      parts.push(framed);
      n += framed.length;
    });
    this.stream = new Int32Array(n);
    let o = 0;
    for (const p of parts) {
      this.stream.set(p, o);
      o += p.length;
    }
    this.starts = Int32Array.from(starts);
    this.rng = mulberry32(seed);
  }

  /** The framed token stream of every example (for corpus statistics). */
  get tokenStream(): Int32Array {
    return this.stream;
  }

  /** Skips `batches` batches of B rows without building them: a resumed run draws what it would have drawn. */
  fastForward(batches: number, B: number): void {
    for (let i = 0; i < batches * B; i++) this.rng(); // next() draws one start per row
  }

  /** The next batch of B rows of T tokens. */
  next(B: number, T: number): Batch {
    const tokens = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    const L = this.stream.length;
    for (let b = 0; b < B; b++) {
      const s = this.starts[Math.floor(this.rng() * this.starts.length)];
      for (let t = 0; t < T; t++) {
        // wrap around the stream's end so every row is full
        tokens[b * T + t] = this.stream[(s + t) % L];
        targets[b * T + t] = this.stream[(s + t + 1) % L];
      }
    }
    const weights = new Float32Array(B * T).fill(1 / (B * T));
    return { B, T, tokens, targets, weights };
  }
}
