// The pre-training setup form: raw field text as typed, parsed and validated on every change so each invalid
// value is refused with a message next to its field, and Start stays disabled until all are valid.
// Validation rules themselves live in src/run/pretrain-setup.ts, shared with the worker's own guard; the
// corpora and how their documents fit the training sequence in src/run/corpus.ts. Corpora are built in
// the worker, never here: the form asks it for the longest document of a choice (corpusFacts) and
// keeps Start disabled until the answer is in.

import { MODEL_PRESETS } from '../../model/config';
import { paramCount } from '../../model/params';
import type { FamilyName } from '../../tasks/problem';
import type { PretrainSetup } from '../../worker/api';
import { CORPORA, DEFAULT_TASK_CORPUS, familyDescriptions, type CorpusChoice, type CorpusId } from '../../run/corpus';
import { corpusChoice, defaultSetup, setupErrors, warmupFor, type SetupField } from '../../run/pretrain-setup';
import { formatCount } from '../format';

export interface SetupFields {
  name: string;
  corpus: string; // a CorpusId
  families: FamilyName[]; // checked task families (used when corpus is 'task-primitives')
  preset: string;
  steps: string;
  batchSize: string;
  lr: string;
  seed: string;
  sampleEvery: string;
  checkpointEvery: string;
}

export type SetupErrors = Partial<Record<SetupField, string>>;

export interface PresetOption {
  key: string;
  params: number;
  label: string; // "tiny · 24.6K parameters"
  shape: string; // "1 layer × 32 wide, 2 heads"
}

/** Every model preset with its parameter count, in MODEL_PRESETS order. */
export function presetOptions(): PresetOption[] {
  return Object.entries(MODEL_PRESETS).map(([key, m]) => {
    const params = paramCount(m);
    return {
      key,
      params,
      label: `${key} · ${formatCount(params)} parameters`,
      shape: `${m.nLayers} layer${m.nLayers > 1 ? 's' : ''} × ${m.dModel} wide, ${m.nHeads} heads`,
    };
  });
}

export function fieldsOf(s: PretrainSetup): SetupFields {
  const p = s.pretrain;
  const families = [...(s.tasks?.families ?? DEFAULT_TASK_CORPUS.families)];
  return {
    name: s.name,
    corpus: s.corpus,
    families,
    preset: s.preset,
    steps: String(p.steps),
    batchSize: String(p.batchSize),
    lr: String(p.lr),
    seed: String(p.seed),
    sampleEvery: String(s.sampleEvery),
    checkpointEvery: String(s.checkpointEvery),
  };
}

/** A stable key of a corpus choice (the facts the worker measured are kept under it). */
export function corpusKey(c: CorpusChoice): string {
  return c.corpus === 'task-primitives'
    ? `tasks:${[...(c.tasks?.families ?? [])].sort().join(',')}:${c.tasks?.count}:${c.tasks?.seed}`
    : c.corpus;
}

export function choiceOf(f: SetupFields): CorpusChoice {
  return corpusChoice(f.corpus as CorpusId, { families: [...f.families] });
}

/** Parses the form: a setup when every field is valid, otherwise a message for each bad field.
 *  `longest`: the corpus's longest document as the worker measured it ('build' measures it here: tests). */
export function parseSetup(
  f: SetupFields,
  longest: number | 'build' | undefined = 'build',
): { setup?: PretrainSetup; errors: SetupErrors } {
  const errors: SetupErrors = {};
  const num = (field: SetupField, text: string, what: string): number => {
    const t = text.trim();
    const v = t === '' ? NaN : Number(t);
    if (!Number.isFinite(v)) errors[field] = t === '' ? `${what} is required` : `${what} must be a number`;
    return v;
  };
  // The sequence length follows from the model and the corpus (see defaultSetup).
  const base = defaultSetup(f.preset in MODEL_PRESETS ? f.preset : 'tiny', choiceOf(f), longest);
  const steps = num('steps', f.steps, 'Steps');
  const setup: PretrainSetup = {
    ...base,
    name: f.name.trim(),
    preset: f.preset,
    pretrain: {
      ...base.pretrain,
      steps,
      warmupSteps: Number.isFinite(steps) ? warmupFor(steps) : 0,
      batchSize: num('batchSize', f.batchSize, 'Batch size'),
      lr: num('lr', f.lr, 'Learning rate'),
      seed: num('seed', f.seed, 'Seed'),
    },
    sampleEvery: num('sampleEvery', f.sampleEvery, 'Generations interval'),
    checkpointEvery: num('checkpointEvery', f.checkpointEvery, 'Checkpoint interval'),
  };
  // Range and model checks only for fields that parsed: one message per field.
  for (const [k, m] of Object.entries(setupErrors(setup, longest)) as [SetupField, string][]) errors[k] ??= m;
  return Object.keys(errors).length === 0 ? { setup, errors } : { errors };
}

/** How the corpus fits the model, for the hint under the corpus field. */
export interface CorpusFit {
  longest: number; // tokens of the longest document with <bos> and <eos>
  seqLength: number; // tokens per training sequence
  contextLength: number; // the model's context
}

/** The fit of a valid setup's corpus, or undefined when the corpus cannot be built. */
export function corpusFit(s: PretrainSetup | undefined, longest: number | undefined): CorpusFit | undefined {
  if (!s || longest === undefined) return undefined;
  return { longest, seqLength: s.pretrain.seqLength, contextLength: s.pretrain.model.contextLength };
}

/** The hint under the corpus field: what the corpus is and how its documents fit a training sequence. */
export function corpusHint(id: string, fit: CorpusFit | undefined): string {
  const info = CORPORA.find((c) => c.id === id);
  if (!info) return '';
  if (!fit) return info.description;
  const whole = fit.longest <= fit.seqLength;
  const holds =
    id === 'builtin-facts' && 2 * fit.longest <= fit.seqLength
      ? `a ${fit.seqLength}-token training sequence holds several, one after another`
      : whole
        ? `a ${fit.seqLength}-token training sequence holds it whole (the model's context is ${fit.contextLength})`
        : `it does not fit a ${fit.seqLength}-token training sequence`;
  return `${info.description} The longest is ${fit.longest} tokens with its start and end markers, so ${holds}.`;
}

export class PretrainForm {
  fields = $state<SetupFields>(fieldsOf(defaultSetup('tiny', undefined, undefined)));
  facts = $state<Record<string, number | string>>({}); // corpus key -> longest document (tokens), or why it cannot be built
  readonly presets = presetOptions();
  readonly corpora = CORPORA;
  readonly families = familyDescriptions();
  // Parsed once per edit, however many places read it.
  readonly known = $derived(this.facts[corpusKey(choiceOf(this.fields))]);
  readonly result: { setup?: PretrainSetup; errors: SetupErrors } = $derived(
    parseSetup(this.fields, typeof this.known === 'number' ? this.known : undefined),
  );
  readonly fit: CorpusFit | undefined = $derived(
    corpusFit(this.result.setup, typeof this.known === 'number' ? this.known : undefined),
  );

  /** Whether the worker has measured the chosen corpus (Start waits for it). */
  get measured(): boolean {
    return typeof this.known === 'number';
  }

  /** Asks the worker to build the chosen corpus and measure it (once per choice). */
  async measure(ask: (c: CorpusChoice) => Promise<{ longest: number }>): Promise<void> {
    const c = choiceOf(this.fields);
    const key = corpusKey(c);
    if (key in this.facts) return;
    this.facts = { ...this.facts, [key]: 'measuring' };
    try {
      this.facts = { ...this.facts, [key]: (await ask(c)).longest };
    } catch (e) {
      this.facts = { ...this.facts, [key]: e instanceof Error ? e.message : String(e) };
    }
  }

  get errors(): SetupErrors {
    const why = this.known;
    return typeof why === 'string' && why !== 'measuring' ? { corpus: why, ...this.result.errors } : this.result.errors;
  }

  get valid(): boolean {
    return this.result.setup !== undefined && this.measured;
  }

  /** Switching preset keeps the user's steps, batch, learning rate and seed. */
  setPreset(key: string): void {
    this.fields = { ...this.fields, preset: key };
  }

  setCorpus(id: CorpusId): void {
    this.fields = { ...this.fields, corpus: id };
  }

  /** Checks or unchecks one task family, keeping the registry's order. */
  setFamily(name: FamilyName, on: boolean): void {
    const chosen = new Set(this.fields.families);
    if (on) chosen.add(name);
    else chosen.delete(name);
    this.fields = { ...this.fields, families: this.families.map((f) => f.name).filter((n) => chosen.has(n)) };
  }

  /** Copies a stored run's setup into the form (e.g. "run again with these settings"). */
  load(s: PretrainSetup): void {
    this.fields = fieldsOf(s);
  }

  reset(): void {
    this.fields = fieldsOf(defaultSetup('tiny', undefined, undefined));
  }
}
