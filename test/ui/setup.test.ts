// The run-setup form: every preset with its parameter count, text parsed into a setup, and each bad
// value refused with a message for its own field (the same rules the worker enforces).
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../../src/model/config';
import { paramCount } from '../../src/model/params';
import { SetupForm, fieldsOf, parseSetup, presetOptions, type SetupFields } from '../../src/ui/state/setup.svelte';
import { assertSetup, autoName, defaultSetup, setupErrors, warmupFor } from '../../src/worker/setup';

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
    const r = parseSetup({ ...good(), steps: ' 40 ', batchSize: '3', lr: '1e-3', seed: '9', sampleEvery: '0', checkpointEvery: '5', name: '  mine ' });
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

describe('SetupForm', () => {
  it('is valid by default and follows edits', () => {
    const f = new SetupForm();
    expect(f.valid).toBe(true);
    f.fields.steps = 'x';
    expect(f.valid).toBe(false);
    expect(f.errors.steps).toMatch(/number/);
    f.reset();
    expect(f.valid).toBe(true);
  });

  it('switching preset keeps the other settings; load() copies a stored setup', () => {
    const f = new SetupForm();
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
