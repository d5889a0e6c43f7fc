// Numbers in free text: scanning (thousands commas, decimals, a leading sign only where it cannot be
// a minus operator), a canonical string form and numeric equality. Shared by the answer checker, the
// rubric builder and the built-in judge, so all three read "1,000", "$18" and "128." the same way.

export interface NumberToken {
  value: number;
  text: string; // the characters as written, e.g. "1,000" or "-3"
  start: number; // index of the first character (the sign, if any)
  end: number; // index one past the last character
}

// digits with optional thousands groups (1,000 or 12,345,678), then an optional decimal part
const NUMBER_RE = /\d{1,3}(?:,\d{3})+(?!\d|,\d)(?:\.\d+)?|\d+(?:\.\d+)?/g;
// a '-' right before a number is a sign only after one of these (or at the start of the text):
// after a digit, a letter, ')' or '%' it reads as the minus operator ("133-5", "x-4")
const SIGN_CONTEXT = /[=(:,;[{<>+*/#\n]|^$/;

/** Every number in `text`, in order. */
export function scanNumbers(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  NUMBER_RE.lastIndex = 0;
  for (let m = NUMBER_RE.exec(text); m !== null; m = NUMBER_RE.exec(text)) {
    let start = m.index;
    let raw = m[0];
    // the tail of a dotted run such as a version "1.2.3" is not a number of its own
    if (start > 0 && text[start - 1] === '.' && start > 1 && /\d/.test(text[start - 2])) continue;
    if (start > 0 && text[start - 1] === '-') {
      let p = start - 2;
      while (p >= 0 && (text[p] === ' ' || text[p] === '\t')) p--;
      const prev = p >= 0 ? text[p] : '';
      // "x = -3" or "A: -3" is a negative number; "133-5" and "16 - 3" are subtractions
      if (SIGN_CONTEXT.test(prev)) {
        start -= 1;
        raw = '-' + raw;
      }
    }
    out.push({ value: Number(raw.replace(/,/g, '')), text: raw, start, end: m.index + m[0].length });
  }
  return out;
}

/** Canonical decimal form of a finite number: no exponent for ordinary sizes, no trailing zeros. */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '0';
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(10)));
}

/**
 * The canonical string of a text that is one number, give or take a currency sign, thousands
 * commas, a trailing period or percent sign and surrounding spaces: "$1,000." -> "1000". Null when
 * the text is not a single number.
 */
export function normalizeNumber(text: string): string | null {
  const t = text
    .trim()
    .replace(/^\$\s*/, '')
    .replace(/^(-?)\$/, '$1')
    .replace(/[.%]$/, '')
    .trim();
  if (!/^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(t) && !/^[-+]?\.\d+$/.test(t)) return null;
  const v = Number(t.replace(/,/g, ''));
  return Number.isFinite(v) ? formatNumber(v) : null;
}

/** Numeric equality of two canonical or written numbers (relative tolerance 1e-9 for decimals). */
export function sameNumber(a: string | number, b: string | number): boolean {
  const x = typeof a === 'number' ? a : Number(normalizeNumber(a) ?? NaN);
  const y = typeof b === 'number' ? b : Number(normalizeNumber(b) ?? NaN);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}
