// The pre-training setup form: every preset with its parameter count, text parsed into a setup, each
// bad value refused with a message for its own field (the same rules the worker enforces), and the two
// corpora: built-in facts and task-family primitives, whose longest document must fit the sequence.
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../../src/model/config';
import { paramCount } from '../../src/model/params';
import { DEFAULT_PRETRAIN } from '../../src/model/trainer-api';
import { pretrainCorpus } from '../../src/tasks/splits';
import { setupOf } from '../../src/worker/api';
import {
  PretrainForm,
  corpusHint,
  fieldsOf,
  parseSetup,
  presetOptions,
  type SetupFields,
} from '../../src/ui/state/pretrain-form.svelte';
import {
  CORPORA,
  DEFAULT_TASK_CORPUS,
  corpusTexts,
  longestExampleTokens,
  samplePrompts,
  sampleTokens,
} from '../../src/run/corpus';
import { assertSetup, autoName, defaultSetup, setupErrors, warmupFor } from '../../src/run/pretrain-setup';

const good = (): SetupFields => fieldsOf(defaultSetup('tiny'));

describe('presets', () => {
  it('lists every model preset with its parameter count', () => {
    const opts = presetOptions();
    expect(opts.map((o) => o.key)).toEqual(Object.keys(MODEL_PRESETS));
    for (const o of opts) {
      expect(o.params).toBe(paramCount(MODEL_PRESETS[o.key]));
      expect(o.label).toMatch(new RegExp(`^${o.key} · [0-9.]+[KM]? parameters$`));
    }
  });
});

describe('parseSetup', () => {
  it('accepts the defaults of every preset', () => {
    for (const key of Object.keys(MODEL_PRESETS)) {
      const r = parseSetup(fieldsOf(defaultSetup(key)));
      expect(r.errors).toEqual({});
      expect(r.setup?.pretrain.model).toEqual(MODEL_PRESETS[key]);
    }
  });

  it('builds the engine options from the text fields', () => {
    const r = parseSetup({
      ...good(),
      steps: ' 40 ',
      batchSize: '3',
      lr: '1e-3',
      seed: '9',
      sampleEvery: '0',
      checkpointEvery: '5',
      name: '  mine ',
    });
    expect(r.errors).toEqual({});
    const s = r.setup!;
    expect(s.name).toBe('mine');
    expect(s.pretrain).toMatchObject({ steps: 40, batchSize: 3, lr: 1e-3, seed: 9, warmupSteps: warmupFor(40) });
    expect(s.sampleEvery).toBe(0);
    expect(s.checkpointEvery).toBe(5);
    expect(s.pretrain.seqLength).toBeLessThanOrEqual(s.pretrain.model.contextLength);
  });

  const bad: [keyof SetupFields, string, RegExp][] = [
    ['steps', '', /Steps is required/],
    ['steps', 'abc', /Steps must be a number/],
    ['steps', '2.5', /Steps must be a whole number/],
    ['steps', '0', /Steps must be a whole number from 1/],
    ['steps', '1000000', /Steps must be a whole number/],
    ['batchSize', '-1', /Batch size/],
    ['batchSize', '300', /Batch size/],
    ['lr', '0', /Learning rate must be above 0/],
    ['lr', '1', /below 1/],
    ['lr', 'fast', /Learning rate must be a number/],
    ['seed', '-3', /Seed/],
    ['seed', String(2 ** 31), /Seed/],
    ['sampleEvery', '-1', /Generations interval/],
    ['checkpointEvery', '0', /Checkpoint interval/],
    ['preset', 'huge', /Unknown model size "huge"/],
    ['name', 'x'.repeat(81), /at most 80/],
  ];
  for (const [field, value, message] of bad) {
    it(`refuses ${field} = ${JSON.stringify(value.length > 12 ? value.slice(0, 12) + '…' : value)} with a message on that field only`, () => {
      const r = parseSetup({ ...good(), [field]: value });
      expect(r.setup).toBeUndefined();
      expect(r.errors[field as keyof typeof r.errors]).toMatch(message);
      expect(Object.keys(r.errors)).toEqual([field]);
    });
  }
});

describe('worker-side guard', () => {
  it('assertSetup lists every problem and accepts a good setup', () => {
    expect(() => assertSetup(defaultSetup('small'))).not.toThrow();
    const s = defaultSetup('tiny');
    s.pretrain.steps = 0;
    s.pretrain.lr = 2;
    expect(() => assertSetup(s)).toThrow(/steps: .*lr: /);
  });

  it('refuses a model the kernels cannot run and a sequence longer than the context', () => {
    const s = defaultSetup('tiny');
    s.pretrain.model = { ...s.pretrain.model, nHeads: 3 };
    expect(setupErrors(s).preset).toMatch(/divisible/);
    const t = defaultSetup('tiny');
    t.pretrain.seqLength = t.pretrain.model.contextLength + 1;
    expect(setupErrors(t).preset).toMatch(/Sequence length/);
  });

  it('short runs get a short warm-up; names are made from the settings', () => {
    expect(warmupFor(5)).toBe(1);
    expect(warmupFor(10_000)).toBe(30);
    expect(autoName(defaultSetup('tiny'))).toBe('tiny · 200 steps · seed 1');
  });
});

describe('PretrainForm', () => {
  it('is valid by default once the worker measured the corpus, and follows edits', async () => {
    const f = new PretrainForm();
    expect(f.valid).toBe(false); // the corpus is measured in the worker, never on the page's thread
    let asked = 0;
    await f.measure(async (c) => (asked++, { longest: longestExampleTokens(c) }));
    await f.measure(async () => (asked++, { longest: 1 })); // once per corpus choice
    expect(asked).toBe(1);
    expect(f.valid).toBe(true);
    f.fields.steps = 'x';
    expect(f.valid).toBe(false);
    expect(f.errors.steps).toMatch(/number/);
    f.reset();
    expect(f.valid).toBe(true);
  });

  it('a corpus the worker cannot build is refused beside the corpus field', async () => {
    const f = new PretrainForm();
    await f.measure(async () => {
      throw new Error('the corpus is too large');
    });
    expect(f.valid).toBe(false);
    expect(f.errors.corpus).toBe('the corpus is too large');
  });

  it('switching preset keeps the other settings; load() copies a stored setup', () => {
    const f = new PretrainForm();
    f.fields.steps = '77';
    f.setPreset('small');
    expect(f.fields).toMatchObject({ preset: 'small', steps: '77' });
    expect(f.result.setup?.pretrain.model).toEqual(MODEL_PRESETS.small);
    const s = defaultSetup('medium');
    s.pretrain.seed = 42;
    f.load(s);
    expect(f.fields).toMatchObject({ preset: 'medium', seed: '42' });
  });
});

describe('corpora', () => {
  it("the task corpus is the task families' primitives, families in any order give the same texts", () => {
    const texts = corpusTexts({
      corpus: 'task-primitives',
      tasks: { families: ['linear', 'chain'], count: 50, seed: 1 },
    });
    expect(texts).toEqual(pretrainCorpus({ families: ['chain', 'linear'], seed: 1 }, 50));
    // worked problems ("Q: "), read-off exercises ("R: "); long ones that stop early end without an answer ("N/A")
    expect(texts.every((t) => /^[QR]: /.test(t) && t.includes('\n### ') && /\n(A: -?\d+|N\/A)$/.test(t))).toBe(true);
    expect(
      corpusTexts({ corpus: 'task-primitives', tasks: { families: ['chain', 'linear'], count: 50, seed: 1 } }),
    ).toBe(texts); // built once
    expect(corpusTexts({ corpus: 'builtin-facts' })[0]).toMatch(/^### \d+[-+*]\d+=\d+$/);
  });

  it("generation prompts stop where the model's own work begins; enough new tokens for a whole solution", () => {
    expect(samplePrompts(['Q: 48*2\n### 48*2=96\nA: 96', 'Q: x+1=3\n### 3-1=2\nA: 2'], 2)).toEqual([
      'Q: 48*2\n',
      'Q: x+1=3\n',
    ]);
    expect(sampleTokens(['### 1+2=3'])).toBe(24);
    expect(sampleTokens(['x'.repeat(55)])).toBe(55);
    expect(sampleTokens(['x'.repeat(500)])).toBe(64);
  });

  it('a task-corpus setup trains on sequences that hold its longest document whole', () => {
    for (const key of Object.keys(MODEL_PRESETS)) {
      const s = defaultSetup(key, { corpus: 'task-primitives' });
      expect(s.tasks).toEqual(DEFAULT_TASK_CORPUS);
      const longest = longestExampleTokens(s);
      expect(longest).toBe(Math.max(...corpusTexts(s).map((t) => t.length)) + 2); // <bos> text <eos>
      expect(s.pretrain.seqLength).toBeGreaterThanOrEqual(longest);
      expect(s.pretrain.seqLength).toBeGreaterThanOrEqual(DEFAULT_PRETRAIN.seqLength);
      expect(s.pretrain.seqLength).toBeLessThanOrEqual(s.pretrain.model.contextLength);
      expect(setupErrors(s)).toEqual({});
    }
    expect(defaultSetup('tiny').tasks).toBeUndefined(); // the facts corpus carries no task spec
  });

  it('refuses a sequence shorter than the longest document, no family, an unknown family or corpus', () => {
    const s = defaultSetup('tiny', { corpus: 'task-primitives' });
    s.pretrain.seqLength = 20;
    expect(setupErrors(s).corpus).toMatch(/longest document of this corpus is \d+ tokens.*20-token training sequence/);
    expect(() => assertSetup(s)).toThrow(/corpus: The longest document/);
    const none = defaultSetup('tiny', { corpus: 'task-primitives', tasks: { ...DEFAULT_TASK_CORPUS, families: [] } });
    expect(setupErrors(none)).toEqual({ families: 'Choose at least one task family' });
    const odd = {
      ...defaultSetup('tiny'),
      corpus: 'task-primitives' as const,
      tasks: { ...DEFAULT_TASK_CORPUS, families: ['poetry' as never] },
    };
    expect(setupErrors(odd).families).toMatch(/Unknown task family "poetry"/);
    expect(setupErrors({ ...defaultSetup('tiny'), corpus: 'novels' as never }).corpus).toMatch(
      /Unknown corpus "novels"/,
    );
  });

  it('the form offers both corpora; task families are chosen with check boxes; the hint says how documents fit', async () => {
    const f = new PretrainForm();
    const worker = async (c: Parameters<typeof longestExampleTokens>[0]) => ({ longest: longestExampleTokens(c) });
    await f.measure(worker);
    expect(f.corpora.map((c) => c.id)).toEqual(CORPORA.map((c) => c.id));
    expect(f.result.setup?.corpus).toBe('builtin-facts');
    expect(corpusHint(f.fields.corpus, f.fit)).toMatch(
      /The longest is 15 tokens .*so a 64-token training sequence holds several, one after another/,
    );
    f.setCorpus('task-primitives');
    await f.measure(worker);
    const s = f.result.setup!;
    expect(s).toMatchObject({ corpus: 'task-primitives', tasks: DEFAULT_TASK_CORPUS });
    expect(corpusHint(f.fields.corpus, f.fit)).toMatch(
      new RegExp(
        `The longest is ${longestExampleTokens(s)} tokens .*so a ${s.pretrain.seqLength}-token training sequence holds it whole`,
      ),
    );
    expect(corpusHint('task-primitives', { longest: 70, seqLength: 64, contextLength: 160 })).toMatch(
      /does not fit a 64-token training sequence/,
    );
    expect(corpusHint('novels', undefined)).toBe('');
    f.setFamily('carry', false);
    f.setFamily('linear', false);
    await f.measure(worker);
    expect(f.result.setup?.tasks?.families).toEqual(['chain']);
    f.setFamily('chain', false);
    expect(f.valid).toBe(false);
    expect(f.errors).toEqual({ families: 'Choose at least one task family' });
    f.setFamily('linear', true);
    f.setFamily('chain', true);
    await f.measure(worker);
    expect(f.result.setup?.tasks?.families).toEqual(['chain', 'linear']); // registry order
    expect(autoName(f.result.setup!)).toBe('tiny · tasks (chain, linear) · 200 steps · seed 1');
  });

  it('a stored run from before the corpus choice trained on the facts; load() restores the families', () => {
    const old = { ...defaultSetup('tiny') } as Partial<ReturnType<typeof defaultSetup>>;
    delete old.corpus;
    const run = {
      id: 'r',
      name: 'old',
      kind: 'pretrain' as const,
      createdAt: 0,
      updatedAt: 0,
      status: 'done' as const,
      config: old as Record<string, unknown>,
      step: 1,
      totalSteps: 1,
    };
    expect(setupOf(run)?.corpus).toBe('builtin-facts');
    const f = new PretrainForm();
    f.load(
      defaultSetup('small', { corpus: 'task-primitives', tasks: { ...DEFAULT_TASK_CORPUS, families: ['carry'] } }),
    );
    expect(f.fields).toMatchObject({ corpus: 'task-primitives', families: ['carry'], preset: 'small' });
    expect(fieldsOf(defaultSetup('tiny')).families).toEqual(DEFAULT_TASK_CORPUS.families);
  });
});
