// Lays sampled sequences out as a padded batch (the input of log-probabilities and the policy loss).
// Sequence s (prompt then response) sits in row s of an (S, T) padded batch, T its padded length: tokens[s,t] = seq[t] and
// targets[s,t] = seq[t+1]. Response token j (position promptLen+j) is predicted at t = promptLen+j-1,
// so per-response-token values (advantages, masks) are scattered to those positions.

export interface SequenceBatch {
  S: number; // rows
  Tmax: number; // row stride of seqs
  seqs: Int32Array; // (S,Tmax) prompt, response, then padding
  promptLens: Int32Array; // (S) includes BOS
  lengths: Int32Array; // (S) prompt + response tokens
}

export interface PaddedBatch {
  S: number;
  T: number; // padded length: longest sequence - 1, rounded up to a multiple of 16
  tokens: Int32Array; // (S,T)
  targets: Int32Array; // (S,T), -1 where no target (padding and the prompt's own tokens stay valid targets)
}

export const PAD_ROUND = 16;

/** Padded length for sequences of up to `longest` tokens (the last token is only a target), rounded up. */
function paddedLengthFor(longest: number): number {
  return Math.ceil((longest - 1) / PAD_ROUND) * PAD_ROUND;
}

/**
 * The longest padded length paddedLength() can give for prompts of at most `longestPrompt` tokens (BOS included)
 * and responses of at most `maxNewTokens`: what a policy's buffers must hold (before the context cap).
 */
export function maxPaddedLength(longestPrompt: number, maxNewTokens: number): number {
  return paddedLengthFor(longestPrompt + maxNewTokens);
}

export function paddedLength(b: SequenceBatch, maxT: number): number {
  let longest = 2;
  for (let s = 0; s < b.S; s++) longest = Math.max(longest, b.lengths[s]);
  return Math.min(maxT, paddedLengthFor(longest));
}

export function toPadded(b: SequenceBatch, T: number): PaddedBatch {
  const tokens = new Int32Array(b.S * T);
  const targets = new Int32Array(b.S * T).fill(-1);
  for (let s = 0; s < b.S; s++) {
    const len = b.lengths[s];
    for (let t = 0; t < T; t++) {
      tokens[s * T + t] = t < len ? b.seqs[s * b.Tmax + t] : 0;
      if (t + 1 < len) targets[s * T + t] = b.seqs[s * b.Tmax + t + 1];
    }
  }
  return { S: b.S, T, tokens, targets };
}

/** Number of response tokens of row s. */
export function responseLength(b: SequenceBatch, s: number): number {
  return Math.max(0, b.lengths[s] - b.promptLens[s]);
}

/** The response tokens of row s. */
export function responseTokens(b: SequenceBatch, s: number): Int32Array {
  return b.seqs.slice(s * b.Tmax + b.promptLens[s], s * b.Tmax + b.lengths[s]);
}

/** Scatters perRow[s][j] (one value per response token) to the padded batch: out[s*T + promptLen+j-1]. */
export function scatterResponse(b: SequenceBatch, T: number, perRow: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(b.S * T);
  for (let s = 0; s < b.S; s++) {
    const n = responseLength(b, s);
    if (perRow[s].length !== n) throw new Error(`row ${s}: ${perRow[s].length} values for ${n} response tokens`);
    for (let j = 0; j < n; j++) {
      const t = b.promptLens[s] + j - 1;
      if (t < T) out[s * T + t] = perRow[s][j];
    }
  }
  return out;
}

/** Gathers padded-batch values back to per-row response arrays (inverse of scatterResponse). */
export function gatherResponse(b: SequenceBatch, T: number, padded: ArrayLike<number>): Float32Array[] {
  const out: Float32Array[] = [];
  for (let s = 0; s < b.S; s++) {
    const n = responseLength(b, s);
    const row = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const t = b.promptLens[s] + j - 1;
      row[j] = t < T ? padded[s * T + t] : 0;
    }
    out.push(row);
  }
  return out;
}

/**
 * Maps character offsets in decode(tokens) to token indices. Special tokens decode to no text, so
 * a response holding one has fewer characters than tokens; offset == text length maps to the end,
 * and offset 0 to token 0 (special tokens before the text belong to the first segment).
 * Used to place a judge's segment starts (found in the text) on the response's tokens.
 */
export function textOffsetsToTokens(
  tokens: ArrayLike<number>,
  offsets: number[],
  isSpecial: (id: number) => boolean,
): number[] {
  const tokenOfChar: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (!isSpecial(tokens[i])) tokenOfChar.push(i);
  return offsets.map((c) => {
    if (c < 0 || c > tokenOfChar.length)
      throw new Error(`segment offset ${c} is outside the response text (${tokenOfChar.length} characters)`);
    if (c === 0) return 0; // the first segment starts with the response, special tokens before its text included
    return c === tokenOfChar.length ? tokens.length : tokenOfChar[c];
  });
}
