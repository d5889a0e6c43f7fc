// A run setup shared as a link: the RL form and the judge settings come back the same from the link's
// fragment (the start aside: it names a run of one browser's library), opening the link fills the RL
// tab's forms and shows that tab, and no key ever travels: not in a link made with a key typed, not
// from an endpoint address that carries credentials, not from a link that names one.
import { describe, expect, it } from 'vitest';
import { publicBaseUrl, readSetupLink, setupLink, SETUP_HASH } from '../../src/ui/state/share-link';
import { rlFieldsFor, type RlFields } from '../../src/ui/state/rl-form.svelte';
import { DEFAULT_JUDGE_FIELDS, JudgeForm, type JudgeFields } from '../../src/ui/state/judge-form.svelte';
import { AppState } from '../../src/ui/state/app-state.svelte';
import { FakeApi } from './fake-api';

const SECRET = 'sk-test-0123456789';
const rl: RlFields = {
  ...rlFieldsFor('paper-toy', 'no-reference', 'stage1'),
  name: 'shared run & co',
  steps: '7',
  promptsPerStep: '3',
  groupSize: '5',
  lr: '0.0002',
  seed: '11',
  evalProblems: '9',
  evaluate: false,
  start: 'run-of-this-browser',
};
const builtin: JudgeFields = { ...DEFAULT_JUDGE_FIELDS, referenceMode: 'wrong', errorRate: '0.2', rubric: 'implicit' };
const llm: JudgeFields = {
  ...DEFAULT_JUDGE_FIELDS,
  kind: 'llm',
  baseUrl: 'https://judge.example.org:8443/v1',
  model: 'qwen3:4b',
  concurrency: '6',
  timeoutS: '30',
  priceIn: '0.01',
  priceOut: '0.02',
};

describe('share a run setup as a link', () => {
  it('brings the RL form and the judge settings back the same, but for where it starts', () => {
    for (const judge of [builtin, llm]) {
      const { hash, withheld } = setupLink(rl, judge);
      expect(hash.startsWith(SETUP_HASH)).toBe(true);
      expect(withheld).toBe(false);
      const back = readSetupLink(hash);
      expect(back?.rl).toEqual(Object.fromEntries(Object.entries(rl).filter(([k]) => k !== 'start')));
      const own =
        judge.kind === 'builtin'
          ? ['kind', 'rubric', 'referenceMode', 'errorRate']
          : ['kind', 'rubric', 'baseUrl', 'model', 'concurrency', 'timeoutS', 'priceIn', 'priceOut'];
      expect(back?.judge).toEqual(Object.fromEntries(own.map((k) => [k, judge[k as keyof JudgeFields]])));
    }
  });

  it('never writes a key: none typed, none from the endpoint address', () => {
    const form = new JudgeForm({
      setJudgeKey: async () => true,
      testJudge: async () => ({ ok: false, cors: true, line: '' }),
    });
    form.keyText = SECRET;
    form.set({ ...llm, baseUrl: `https://user:${SECRET}@judge.example.org/v1/?api-key=${SECRET}#${SECRET}` });
    const { hash, withheld } = setupLink(rl, form.fields);
    expect(withheld).toBe(true);
    expect(hash).not.toContain(SECRET);
    expect(hash).not.toContain('user');
    expect(readSetupLink(hash)?.judge.baseUrl).toBe('https://judge.example.org/v1');
    expect(publicBaseUrl(`http://user:${SECRET}@host:1/v1?key=${SECRET}`)).toBe('http://host:1/v1');
    // an address that only differs in case or a trailing slash loses nothing: no word of a withheld part
    expect(setupLink(rl, { ...llm, baseUrl: 'HTTPS://Judge.Example.org/v1/' }).withheld).toBe(false);
    expect(publicBaseUrl(`not a url://u:${SECRET}@x?k=${SECRET}`)).not.toContain(SECRET);
  });

  it('reads only known fields with allowed values from a link: a key in it is ignored', () => {
    const hash =
      `${SETUP_HASH}arm=process&stage=stage3&preset=none&steps=4&kind=llm&rubric=explicit` +
      `&apiKey=${SECRET}&key=${SECRET}&baseUrl=${encodeURIComponent(`https://a:${SECRET}@h/v1?token=${SECRET}`)}`;
    const back = readSetupLink(hash);
    expect(back).toEqual({
      rl: { arm: 'process', steps: '4' },
      judge: { kind: 'llm', rubric: 'explicit', baseUrl: 'https://h/v1' },
    });
    expect(JSON.stringify(back)).not.toContain(SECRET);
    expect(readSetupLink('#results')).toBeUndefined();
    expect(readSetupLink('')).toBeUndefined();
  });

  it('opening a link fills the RL tab forms from the shipped model and shows the tab', () => {
    const app = new AppState(new FakeApi());
    app.rl.form.set({ start: 'some-run' });
    expect(app.openSetupLink('#elsewhere')).toBe(false);
    expect(app.prefs.tab).toBe('demo');
    expect(app.openSetupLink(setupLink(rl, builtin).hash)).toBe(true);
    expect(app.prefs.tab).toBe('rl');
    expect(app.rl.fromLink).toBe(true);
    expect(app.rl.form.fields).toEqual({ ...rl, start: '' });
    expect(app.rl.judge.fields).toEqual(builtin);
    expect(app.rl.judge.result.judge).toEqual({
      kind: 'builtin',
      referenceMode: 'wrong',
      errorRate: 0.2,
      rubric: 'implicit',
    });
  });
});
