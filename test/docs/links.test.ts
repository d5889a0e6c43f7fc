// Every relative link and every #anchor of README.md and docs/*.md resolves: the file or folder is
// in the repository, and the anchor names a heading of its target, slugged as GitHub slugs headings.
// Links inside code blocks and code spans are text, not links, and are not checked.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The Markdown with fenced code blocks and code spans blanked out (their text is never a link). */
function prose(md: string): string {
  return md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** GitHub's anchors of a file's headings: the text lower-cased, punctuation dropped, spaces to '-', repeats numbered. */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Each relative link of a Markdown file that does not resolve, as "file: target (why)". */
export function brokenLinks(file: string, md: string, read: (path: string) => string | undefined): string[] {
  const bad: string[] = [];
  for (const m of prose(md).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
    const [path, anchor] = target.split('#', 2);
    const abs = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURI(path));
    const rel = relative(ROOT, abs);
    if (rel.startsWith('..')) bad.push(`${file}: ${target} (outside the repository)`);
    else if (!existsSync(abs)) bad.push(`${file}: ${target} (no such file)`);
    else if (anchor !== undefined) {
      const text = read(abs);
      if (text === undefined) bad.push(`${file}: ${target} (an anchor into a file that is not Markdown)`);
      else if (!anchors(text).has(anchor)) bad.push(`${file}: ${target} (no heading "${anchor}" in ${rel})`);
    }
  }
  return bad;
}

const readMd = (abs: string) => (abs.endsWith('.md') ? readFileSync(abs, 'utf8') : undefined);

describe('documentation links', () => {
  it('slugs headings as GitHub does, and catches a broken file and a broken anchor', () => {
    expect([
      ...anchors(
        '# A title\n## The way out: verl and TRL\n## Datasets (`npm run dataset`, `src/x-y.ts`)\n## A title\n',
      ),
    ]).toEqual(['a-title', 'the-way-out-verl-and-trl', 'datasets-npm-run-dataset-srcx-yts', 'a-title-1']);
    const md = '[ok](#a) [gone](docs/nope.md) [bad](#b) `[code](nope.md)`\n```\n[block](nope.md)\n```\n# A\n';
    expect(brokenLinks('README.md', md, () => md)).toEqual([
      'README.md: docs/nope.md (no such file)',
      'README.md: #b (no heading "b" in README.md)',
    ]);
  });

  it('README.md and docs/*.md have links to check', () => {
    expect(FILES).toContain('docs/experiment.md');
    const count = FILES.reduce(
      (n, f) => n + [...prose(readFileSync(join(ROOT, f), 'utf8')).matchAll(/\]\((?!https?:)/g)].length,
      0,
    );
    expect(count).toBeGreaterThan(20);
  });

  it('every relative link and #anchor of README.md and docs/*.md resolves', () => {
    const bad = FILES.flatMap((f) => brokenLinks(f, readFileSync(join(ROOT, f), 'utf8'), readMd));
    expect(bad).toEqual([]);
  });
});
