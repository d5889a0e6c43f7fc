// The judge settings the page's RL runs use: the built-in judge with its knobs (reference given, none
// or wrong; a simulated error rate), or an OpenAI-compatible endpoint (base URL, model, key,
// concurrency, timeout, prices); for either, the rubric mode of every grade (explicit or implicit),
// stored with each run's setup. The key goes to the worker's memory only; it is written to this
// device (localStorage) only when the user asks to keep it there, and never into a run record.

import { RUBRIC_MODES, type PageJudge, type JudgeTest, type TrainerApi } from '../../worker/api';
import type { PrefStorage } from './prefs.svelte';

const KEY_STORE = 'exprl:judge-key'; // only when "keep the key on this device" is on
const SETTINGS_STORE = 'exprl:judge-settings'; // the rest (no key)

export type JudgeApi = Pick<TrainerApi, 'setJudgeKey' | 'testJudge'>;

export type RubricChoice = NonNullable<PageJudge['rubric']>;

export interface JudgeFields {
  kind: 'builtin' | 'llm';
  rubric: RubricChoice; // explicit: checkpoints built once per problem; implicit: extracted in each grading call
  referenceMode: 'given' | 'none' | 'wrong';
  errorRate: string;
  baseUrl: string;
  model: string;
  concurrency: string;
  timeoutS: string;
  priceIn: string;
  priceOut: string;
}

export const DEFAULT_JUDGE_FIELDS: JudgeFields = {
  kind: 'builtin',
  rubric: 'explicit',
  referenceMode: 'given',
  errorRate: '0',
  baseUrl: 'http://127.0.0.1:11434/v1',
  model: 'qwen3:4b',
  concurrency: '4',
  timeoutS: '60',
  priceIn: '0',
  priceOut: '0',
};

export type JudgeFieldErrors = Partial<Record<keyof JudgeFields, string>>;

/** The judge of the fields, or a message per refused field. */
export function parseJudge(f: JudgeFields): { judge?: PageJudge; errors: JudgeFieldErrors } {
  const errors: JudgeFieldErrors = {};
  const rubric = f.rubric;
  if (!RUBRIC_MODES.includes(rubric)) errors.rubric = 'The rubric mode is explicit or implicit';
  const num = (k: keyof JudgeFields, lo: number, hi: number, what: string, int = false) => {
    const t = String(f[k]).trim();
    const v = t === '' ? NaN : Number(t);
    if (!Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v)))
      errors[k] = `${what} must be ${int ? 'a whole number' : 'a number'} from ${lo} to ${hi}`;
    return v;
  };
  if (f.kind === 'builtin') {
    const errorRate = num('errorRate', 0, 1, 'Error rate');
    return Object.keys(errors).length
      ? { errors }
      : { judge: { kind: 'builtin', referenceMode: f.referenceMode, errorRate, rubric }, errors };
  }
  if (!/^https?:\/\/[^\s/]+/i.test(f.baseUrl.trim()))
    errors.baseUrl = 'An http(s) URL ending in /v1, e.g. http://127.0.0.1:11434/v1';
  else if (/\/chat\/completions\/?$/.test(f.baseUrl.trim()))
    errors.baseUrl = 'Leave out /chat/completions: the base URL ends in /v1';
  if (f.model.trim() === '') errors.model = 'Name the model, e.g. qwen3:4b';
  const concurrency = num('concurrency', 1, 16, 'Concurrency', true);
  const timeoutS = num('timeoutS', 1, 600, 'Timeout');
  const pricePer1kInput = num('priceIn', 0, 1000, 'Price');
  const pricePer1kOutput = num('priceOut', 0, 1000, 'Price');
  if (Object.keys(errors).length) return { errors };
  return {
    judge: {
      kind: 'llm',
      baseUrl: f.baseUrl.trim().replace(/\/+$/, ''),
      model: f.model.trim(),
      concurrency,
      timeoutS,
      pricePer1kInput,
      pricePer1kOutput,
      rubric,
    },
    errors,
  };
}

export class JudgeForm {
  fields = $state<JudgeFields>({ ...DEFAULT_JUDGE_FIELDS });
  keyText = $state(''); // what the key field shows; sent to the worker, never stored unless `keep`
  keep = $state(false);
  hasKey = $state(false); // the worker holds a key
  testing = $state(false);
  test = $state<JudgeTest | undefined>();
  readonly result = $derived(parseJudge(this.fields));

  constructor(
    private readonly api: JudgeApi,
    private readonly storage?: PrefStorage & Partial<Pick<Storage, 'removeItem'>>,
  ) {
    try {
      const saved = storage?.getItem(SETTINGS_STORE);
      if (saved) this.fields = { ...DEFAULT_JUDGE_FIELDS, ...(JSON.parse(saved) as Partial<JudgeFields>) };
      this.keep = !!storage?.getItem(KEY_STORE);
    } catch {
      /* defaults */
    }
  }

  /** Hands a key kept on this device to the worker (page start). */
  async restore(): Promise<void> {
    const kept = this.read(KEY_STORE);
    if (kept) {
      this.keyText = kept;
      this.hasKey = await this.api.setJudgeKey(kept);
    }
  }

  set(patch: Partial<JudgeFields>): void {
    this.fields = { ...this.fields, ...patch };
    this.test = undefined;
    try {
      this.storage?.setItem(SETTINGS_STORE, JSON.stringify(this.fields));
    } catch {
      /* not remembered */
    }
  }

  /** Sends the typed key to the worker; keeps it on this device only when asked to. */
  async applyKey(): Promise<void> {
    const key = this.keyText.trim();
    this.hasKey = await this.api.setJudgeKey(key === '' ? null : key);
    this.remember();
  }

  setKeep(on: boolean): void {
    this.keep = on;
    this.remember();
  }

  async runTest(): Promise<void> {
    const j = this.result.judge;
    if (!j || j.kind !== 'llm' || this.testing) return;
    this.testing = true;
    try {
      await this.applyKey();
      this.test = await this.api.testJudge(j);
    } catch (e) {
      this.test = { ok: false, cors: false, line: e instanceof Error ? e.message : String(e) };
    } finally {
      this.testing = false;
    }
  }

  private remember(): void {
    try {
      if (this.keep && this.keyText.trim() !== '') this.storage?.setItem(KEY_STORE, this.keyText.trim());
      else this.storage?.removeItem?.(KEY_STORE);
    } catch {
      /* storage blocked: the key stays in the worker's memory only */
    }
  }

  private read(k: string): string | null {
    try {
      return this.storage?.getItem(k) ?? null;
    } catch {
      return null;
    }
  }
}
