// The run-setup form: raw field text as typed, parsed and validated on every change so each invalid
// value is refused with a message next to its field, and Start stays disabled until all are valid.
// Validation rules themselves live in src/worker/setup.ts, shared with the worker's own guard.

import { MODEL_PRESETS } from '../../model/config';
import { paramCount } from '../../model/params';
import type { RunSetup } from '../../worker/api';
import { defaultSetup, setupErrors, warmupFor, type SetupField } from '../../worker/setup';
import { formatCount } from '../format';

export interface SetupFields {
  name: string;
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
    return { key, params, label: `${key} · ${formatCount(params)} parameters`, shape: `${m.nLayers} layer${m.nLayers > 1 ? 's' : ''} × ${m.dModel} wide, ${m.nHeads} heads` };
  });
}

export function fieldsOf(s: RunSetup): SetupFields {
  const p = s.pretrain;
  return { name: s.name, preset: s.preset, steps: String(p.steps), batchSize: String(p.batchSize), lr: String(p.lr), seed: String(p.seed), sampleEvery: String(s.sampleEvery), checkpointEvery: String(s.checkpointEvery) };
}

/** Parses the form: a setup when every field is valid, otherwise a message for each bad field. */
export function parseSetup(f: SetupFields): { setup?: RunSetup; errors: SetupErrors } {
  const errors: SetupErrors = {};
  const num = (field: SetupField, text: string, what: string): number => {
    const t = text.trim();
    const v = t === '' ? NaN : Number(t);
    if (!Number.isFinite(v)) errors[field] = t === '' ? `${what} is required` : `${what} must be a number`;
    return v;
  };
  const base = defaultSetup(f.preset in MODEL_PRESETS ? f.preset : 'tiny');
  const steps = num('steps', f.steps, 'Steps');
  const setup: RunSetup = {
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
  for (const [k, m] of Object.entries(setupErrors(setup)) as [SetupField, string][]) errors[k] ??= m;
  return Object.keys(errors).length === 0 ? { setup, errors } : { errors };
}

export class SetupForm {
  fields = $state<SetupFields>(fieldsOf(defaultSetup('tiny')));
  readonly presets = presetOptions();

  get result(): { setup?: RunSetup; errors: SetupErrors } {
    return parseSetup(this.fields);
  }

  get errors(): SetupErrors {
    return this.result.errors;
  }

  get valid(): boolean {
    return this.result.setup !== undefined;
  }

  /** Switching preset keeps the user's steps, batch, learning rate and seed. */
  setPreset(key: string): void {
    this.fields = { ...this.fields, preset: key };
  }

  /** Copies a stored run's setup into the form (e.g. "run again with these settings"). */
  load(s: RunSetup): void {
    this.fields = fieldsOf(s);
  }

  reset(): void {
    this.fields = fieldsOf(defaultSetup('tiny'));
  }
}
