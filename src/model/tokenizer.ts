// Character-level tokenizer with a fixed vocabulary: PAD, BOS, EOS, then printable ASCII and newline.
// Fixed (not learned from data) so that checkpoints, tasks and imported datasets all agree on ids.
// Text with a character outside the vocabulary is refused with its character and position.

export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
const SPECIALS = ['<pad>', '<bos>', '<eos>'];
/** Ids below this are special tokens (PAD, BOS, EOS): they decode to no text. */
export const SPECIAL_TOKENS = SPECIALS.length;

// '\n' then every printable ASCII character from space (32) to '~' (126).
const CHARS: string[] = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];

export const VOCAB: readonly string[] = [...SPECIALS, ...CHARS];
export const VOCAB_SIZE = VOCAB.length; // 99

const ID_OF = new Map<string, number>(CHARS.map((c, i) => [c, i + SPECIALS.length]));

export class TokenizerError extends Error {
  constructor(
    readonly char: string,
    readonly position: number,
  ) {
    const code = char.codePointAt(0)?.toString(16).padStart(4, '0');
    super(
      `cannot encode character ${JSON.stringify(char)} (U+${code}) at position ${position}: the vocabulary is printable ASCII and newline`,
    );
    this.name = 'TokenizerError';
  }
}

/** Encodes text to token ids (no BOS/EOS added). Throws TokenizerError on an unknown character. */
export function encode(text: string): Int32Array {
  const out = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const id = ID_OF.get(text[i]);
    if (id === undefined) throw new TokenizerError(text[i], i);
    out[i] = id;
  }
  return out;
}

/** Decodes ids to text; special tokens are dropped unless `showSpecials` is set. */
export function decode(ids: ArrayLike<number>, showSpecials = false): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < SPECIALS.length) {
      if (showSpecials) s += SPECIALS[id];
      continue;
    }
    const c = VOCAB[id];
    if (c === undefined) throw new Error(`token id ${id} is outside the vocabulary (size ${VOCAB_SIZE})`);
    s += c;
  }
  return s;
}

/** The display form of one token id, for per-token views. */
export function tokenText(id: number): string {
  return VOCAB[id] ?? `<${id}>`;
}
