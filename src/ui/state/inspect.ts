// What the rollout inspector draws for one response: its tokens with their advantages, the reason a
// token is greyed (dropped from the loss because a grade failed, with the failure's cause and message,
// or zeroed by the length-limit rule), the `###` segments with the judge's verdict on each (or why it
// failed), the whole-response and measuring verdicts, and the diverging colour of an advantage
// (Okabe-Ito blue for positive, vermillion for negative, white at zero), scaled to the step's largest |advantage|.

import { EOS_ID, SPECIAL_TOKENS, VOCAB } from '../../model/tokenizer';
import { extractAnswer } from '../../tasks/checker';
import type { TraceRecord, TraceSet } from '../../worker/api';
import type { VerdictDetail } from '../../run/scorers';
import { failureOf } from './verdicts';

export interface TokenView {
  i: number;
  text: string; // what the token shows ('⏎' for a line break, 'EOS' for the end token)
  adv: number;
  masked: boolean;
  segment: number; // index of the ### segment it belongs to (-1 without segments)
}

/** One verdict as the inspector shows it; `failure` (cause and message) when the grade failed. */
export interface VerdictView {
  k: number | null;
  reward: number | null;
  rationale: string;
  failure?: string;
}

export interface InspectView {
  tokens: TokenView[];
  maskedReason?: string; // why greyed tokens are greyed
  segments: (VerdictView & { text: string; status: string; tokens: [number, number] })[];
  outcome?: VerdictView; // the whole-response verdict the arm trains on (Outcome)
  measured?: VerdictView; // the measuring judge's verdict (the dense reward)
  extracted: string | null; // the final answer the checker read
}

const view = (v: VerdictDetail): VerdictView => ({
  k: v.k,
  reward: v.reward,
  rationale: v.rationale,
  ...(v.status !== 'ok' ? { failure: failureOf(v) } : {}),
});

const POS = [0, 114, 178]; // #0072b2
const NEG = [213, 94, 0]; // #d55e00

/** Background colour of an advantage on a symmetric scale [-max, max]. */
export function advColor(a: number, max: number): string {
  const t = max > 0 ? Math.max(-1, Math.min(1, a / max)) : 0;
  const end = t >= 0 ? POS : NEG;
  const w = Math.abs(t);
  const c = end.map((e) => Math.round(255 + (e - 255) * w));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Text colour readable on advColor. */
export function advText(a: number, max: number): string {
  return max > 0 && Math.abs(a / max) > 0.55 ? '#fff' : '#16181d';
}

/** The largest |advantage| of a step (the colour scale's end). */
export function scaleOf(set: TraceSet | undefined): number {
  let m = 0;
  for (const t of set?.traces ?? []) for (const a of t.advantages) m = Math.max(m, Math.abs(a));
  return m;
}

/** What a token shows: '⏎' for a line break, 'EOS' for the end token, nothing for other special tokens. */
export function tokenLabel(id: number): string {
  return id === EOS_ID ? 'EOS' : id < SPECIAL_TOKENS ? '' : VOCAB[id] === '\n' ? '⏎' : VOCAB[id];
}

export function inspect(t: TraceRecord): InspectView {
  // Character offset of each token in the response text (special tokens add no text).
  const offsets: number[] = [];
  let pos = 0;
  for (const id of t.tokens) {
    offsets.push(pos);
    if (id >= SPECIAL_TOKENS) pos += 1;
  }
  const segs = t.detail?.segments ?? [];
  const segOf = (i: number) => {
    let k = -1;
    for (let s = 0; s < segs.length; s++) if (segs[s].start <= offsets[i]) k = s;
    return k;
  };
  const tokens = t.tokens.map((id, i) => ({
    i,
    text: tokenLabel(id),
    adv: t.advantages[i] ?? 0,
    masked: (t.mask[i] ?? 1) === 0,
    segment: segs.length ? segOf(i) : -1,
  }));
  const segments = segs.map((s, k) => {
    const idx = tokens.filter((x) => x.segment === k).map((x) => x.i);
    return {
      ...view(s.verdict),
      text: s.text,
      status: s.verdict.status,
      tokens: [idx[0] ?? 0, idx[idx.length - 1] ?? 0] as [number, number],
    };
  });
  const outcome = t.detail?.outcome && view(t.detail.outcome);
  let maskedReason: string | undefined;
  if (tokens.some((x) => x.masked)) {
    // The grades the arm trains on that failed, each cause once.
    const failed = [
      ...new Set([outcome?.failure, ...segments.map((x) => x.failure)].filter((x): x is string => x !== undefined)),
    ];
    maskedReason =
      failed.length > 0
        ? `dropped from the loss, neither rewarded nor punished: the judge could not grade it (${failed.join('; ')})`
        : "dropped from the loss: the judge's reply for this response did not parse, so it was neither rewarded nor punished";
  } else if (t.truncated && t.score.kind === 'process')
    maskedReason =
      'advantage 0 on every token: the response hit the length limit, and the process rule gives a cut response no signal';
  const measured = t.detail?.measured && view(t.detail.measured);
  return { tokens, maskedReason, segments, outcome, measured, extracted: extractAnswer(t.response) };
}
