// Arithmetic claims and stated results in free text, for the built-in judge. A claim is
// "expression = number" ("96+37=133", "16 - 3 - 4 = 9", "9 * 2 = $18"); it is checked with the usual
// operator precedence. Stated results are the numbers a text establishes: right-hand sides of '='
// and final-answer lines. This is pattern matching, not a math parser: prose claims are not read.

import { extractAnswer } from '../tasks/checker';
import { sameNumber, scanNumbers, type NumberToken } from '../tasks/numbers';

export interface Claim {
  text: string; // the claim as written, e.g. "96+37=134"
  lhs: number; // value of the left-hand expression
  rhs: number; // the stated result
  ok: boolean; // lhs equals rhs (to the precision rhs is written with)
  start: number;
  end: number;
}

export interface StatedValue {
  value: number;
  start: number;
  source: 'equals' | 'answer' | 'number'; // '=' right-hand side, answer line, or any number (fallback)
}

type Tok =
  | { t: 'num'; v: number; n: NumberToken }
  | { t: 'op'; v: '+' | '-' | '*' | '/'; start: number }
  | { t: '(' | ')' | '=' | 'other'; start: number };

function tokenize(text: string): Tok[] {
  const nums = scanNumbers(text);
  const out: Tok[] = [];
  let ni = 0;
  for (let i = 0; i < text.length;) {
    if (ni < nums.length && nums[ni].start === i) {
      out.push({ t: 'num', v: nums[ni].value, n: nums[ni] });
      i = nums[ni++].end;
      continue;
    }
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '$') {
      i++;
      continue; // spacing and currency signs do not break a claim
    }
    const prev = out[out.length - 1];
    const nextSignificant = text.slice(i + 1).match(/^[ \t]*(.)/)?.[1] ?? '';
    // an index hint ("C8+c7"): one letter glued to the digit it names, after an operator or a space
    if (
      /[A-Za-z]/.test(c) &&
      /\d/.test(text[i + 1] ?? '') &&
      !/[A-Za-z\d]/.test(text[i - 1] ?? '') &&
      !(prev && (prev.t === 'num' || prev.t === ')'))
    ) {
      i++;
      continue;
    }
    if ('+-*/'.includes(c)) out.push({ t: 'op', v: c as '+', start: i });
    else if (c === '\u00d7') out.push({ t: 'op', v: '*', start: i });
    else if (c === '\u00f7') out.push({ t: 'op', v: '/', start: i });
    else if (
      (c === 'x' || c === 'X') &&
      prev &&
      (prev.t === 'num' || prev.t === ')') &&
      /[\d(]/.test(nextSignificant)
    ) {
      out.push({ t: 'op', v: '*', start: i }); // "3 x 4" as people write it
    } else if (c === '(' || c === ')' || c === '=') out.push({ t: c, start: i });
    else out.push({ t: 'other', start: i });
    i++;
  }
  return out;
}

// Recursive descent over tokens[pos..end): expr = term (('+'|'-') term)*, term = factor (('*'|'/') factor)*.
function evaluate(toks: Tok[]): { value: number; ops: number } | null {
  let pos = 0;
  let ops = 0;
  const factor = (): number | null => {
    const tk = toks[pos];
    if (!tk) return null;
    if (tk.t === 'num') {
      pos++;
      return tk.v;
    }
    if (tk.t === '(') {
      pos++;
      const v = expr();
      if (v === null || toks[pos]?.t !== ')') return null;
      pos++;
      return v;
    }
    return null;
  };
  const binary = (next: () => number | null, accept: string): number | null => {
    let v = next();
    while (v !== null) {
      const tk = toks[pos];
      if (!tk || tk.t !== 'op' || !accept.includes(tk.v)) break;
      pos++;
      ops++;
      const r = next();
      if (r === null) return null;
      v = tk.v === '+' ? v + r : tk.v === '-' ? v - r : tk.v === '*' ? v * r : v / r;
    }
    return v;
  };
  const term = () => binary(factor, '*/');
  const expr = (): number | null => binary(term, '+-');
  const value = expr();
  if (value === null || pos !== toks.length || !Number.isFinite(value)) return null;
  return { value, ops };
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Whether `lhs` equals `rhs` written as `rhsText`: exactly for integers, to its last digit for decimals. */
export function claimHolds(lhs: number, rhs: number, rhsText: string): boolean {
  const d = decimalsOf(rhsText.replace(/,/g, ''));
  if (d === 0) return sameNumber(lhs, rhs);
  return Math.abs(lhs - rhs) <= 0.5 * 10 ** -d + 1e-9 * Math.max(1, Math.abs(rhs));
}

// The right-hand side of the '=' at toks[e]: a single number not followed by more arithmetic.
function rhsAt(toks: Tok[], e: number): Extract<Tok, { t: 'num' }> | null {
  const r = toks[e + 1];
  if (!r || r.t !== 'num') return null;
  const after = toks[e + 2];
  if (after && after.t === 'op' && toks[e + 3]?.t === 'num') return null; // "= 2+5": an expression, not a result
  return r;
}

/** Every arithmetic claim in `text`, in order. */
export function findClaims(text: string): Claim[] {
  const toks = tokenize(text);
  const claims: Claim[] = [];
  toks.forEach((tk, e) => {
    if (tk.t !== '=') return;
    const rhs = rhsAt(toks, e);
    if (!rhs) return;
    let s = e;
    while (s > 0 && ['num', 'op', '(', ')'].includes(toks[s - 1].t)) s--;
    // a run that starts with an operator continues something that is not arithmetic ("x*3+5=..."
    // or "eggs - 3 = ..."): not a claim. Else the longest well-formed suffix that starts at the run's
    // start or right after a parenthesis ("(so 3+4=7) 3 x 4 = 12" holds two claims).
    if (s === e || toks[s].t === 'op') return;
    for (let from = s; from < e; from++) {
      if (from > s && toks[from - 1].t !== '(' && toks[from - 1].t !== ')') continue;
      if (toks[from].t !== 'num' && toks[from].t !== '(') continue;
      const lhsToks = toks.slice(from, e);
      const r = evaluate(lhsToks);
      if (!r || r.ops === 0) continue;
      const first = lhsToks[0];
      const start = first.t === 'num' ? first.n.start : first.start;
      claims.push({
        text: text.slice(start, rhs.n.end),
        lhs: r.value,
        rhs: rhs.v,
        ok: claimHolds(r.value, rhs.v, rhs.n.text),
        start,
        end: rhs.n.end,
      });
      break;
    }
  });
  return claims;
}

/**
 * The results a text states, in order: right-hand sides of '=' and final-answer lines ("A: n",
 * "#### n"). A text with neither (plain prose) falls back to every number in it that is not one of
 * `questionNumbers` (the givens are not results).
 */
export function statedResults(text: string, questionNumbers: number[] = []): StatedValue[] {
  const toks = tokenize(text);
  const out: StatedValue[] = [];
  toks.forEach((tk, e) => {
    if (tk.t !== '=') return;
    const rhs = rhsAt(toks, e);
    if (rhs) out.push({ value: rhs.v, start: rhs.n.start, source: 'equals' });
  });
  const lineRe = /^[ \t]*(?:A:|####).*$/gm;
  for (let m = lineRe.exec(text); m !== null; m = lineRe.exec(text)) {
    const a = extractAnswer(m[0]);
    const v = a === null ? NaN : Number(a);
    if (Number.isFinite(v) && !out.some((o) => o.start >= m!.index && o.start < m!.index + m![0].length)) {
      out.push({ value: v, start: m.index, source: 'answer' });
    }
  }
  if (out.length === 0) {
    for (const n of scanNumbers(text)) {
      if (!questionNumbers.some((q) => sameNumber(q, n.value)))
        out.push({ value: n.value, start: n.start, source: 'number' });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The numbers of a question (the givens), for statedResults' fallback. */
export function questionNumbers(question: string): number[] {
  return scanNumbers(question).map((n) => n.value);
}
