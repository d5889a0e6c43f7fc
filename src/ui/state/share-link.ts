// A run setup shared as a link: the RL form's fields and the judge settings, written into the page
// address's fragment ("#setup?arm=process&steps=12&..."; a fragment never reaches a server) and read
// back when such a link is opened. Never a secret: the judge's key is not among the fields, the base
// URL is shared without user name, password, query or fragment, and only the fields below are read
// from a link (anything else in it, a key included, is ignored). Where to start from is left out: it
// names a run of this browser's library.

import { ARM_IDS, type ArmId } from '../../experiment/arms';
import { PRESET_NAMES } from '../../experiment/presets';
import { RUBRIC_MODES } from '../../worker/api';
import type { JudgeFields } from './judge-form.svelte';
import type { RlFields } from './rl-form.svelte';

export const SETUP_HASH = '#setup?';

type RlText = 'name' | 'steps' | 'promptsPerStep' | 'groupSize' | 'lr' | 'seed' | 'evalProblems';
const RL_TEXT: readonly RlText[] = ['name', 'steps', 'promptsPerStep', 'groupSize', 'lr', 'seed', 'evalProblems'];
const JUDGE_TEXT = {
  builtin: ['errorRate'],
  llm: ['baseUrl', 'model', 'concurrency', 'timeoutS', 'priceIn', 'priceOut'],
} as const satisfies Record<JudgeFields['kind'], readonly (keyof JudgeFields)[]>;
const REFERENCE_MODES: readonly JudgeFields['referenceMode'][] = ['given', 'none', 'wrong'];
const STAGES: readonly RlFields['stage'][] = ['stage1', 'stage2'];
const MAX_TEXT = 200; // longer values in a link are not a setup this page wrote

/** An endpoint's address without what may hold a secret: user name, password, query and fragment. */
export function publicBaseUrl(raw: string): string {
  const t = raw.trim();
  try {
    const u = new URL(t);
    return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
  } catch {
    return t.replace(/[?#].*$/, '').replace(/^(.*?:\/\/)?[^/]*@/, '$1'); // not a URL: still no user or password
  }
}

/** Whether an endpoint's address has a part publicBaseUrl leaves out. */
function withholds(raw: string): boolean {
  try {
    const u = new URL(raw.trim());
    return u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '';
  } catch {
    return /[?#@]/.test(raw);
  }
}

/** The fragment of a link to this setup; `withheld` when the base URL lost a part that may be a secret. */
export function setupLink(rl: RlFields, judge: JudgeFields): { hash: string; withheld: boolean } {
  const q = new URLSearchParams();
  q.set('arm', rl.arm);
  q.set('stage', rl.stage);
  q.set('preset', rl.preset);
  for (const k of RL_TEXT) if (rl[k] !== '') q.set(k, rl[k]);
  q.set('evaluate', rl.evaluate ? '1' : '0');
  q.set('kind', judge.kind);
  q.set('rubric', judge.rubric);
  if (judge.kind === 'builtin') q.set('referenceMode', judge.referenceMode);
  for (const k of JUDGE_TEXT[judge.kind]) q.set(k, k === 'baseUrl' ? publicBaseUrl(judge.baseUrl) : judge[k]);
  return { hash: SETUP_HASH + q.toString(), withheld: judge.kind === 'llm' && withholds(judge.baseUrl) };
}

/** The setup a link's fragment holds (only known fields with allowed values), or undefined for any other fragment. */
export function readSetupLink(hash: string): { rl: Partial<RlFields>; judge: Partial<JudgeFields> } | undefined {
  if (!hash.startsWith(SETUP_HASH)) return undefined;
  const q = new URLSearchParams(hash.slice(SETUP_HASH.length));
  const text = (k: string) => {
    const v = q.get(k);
    return v !== null && v.length <= MAX_TEXT ? v : undefined;
  };
  const oneOf = <T extends string>(k: string, allowed: readonly T[]) => {
    const v = q.get(k);
    return allowed.includes(v as T) ? (v as T) : undefined;
  };
  const rl: Partial<RlFields> = {};
  const arm = oneOf<ArmId>('arm', ARM_IDS);
  const stage = oneOf('stage', STAGES);
  const preset = oneOf('preset', PRESET_NAMES);
  if (arm) rl.arm = arm;
  if (stage) rl.stage = stage;
  if (preset) rl.preset = preset;
  for (const k of RL_TEXT) {
    const v = text(k);
    if (v !== undefined) rl[k] = v;
  }
  const evaluate = oneOf('evaluate', ['0', '1']);
  if (evaluate) rl.evaluate = evaluate === '1';
  const judge: Partial<JudgeFields> = {};
  const kind = oneOf('kind', ['builtin', 'llm'] as const);
  const rubric = oneOf('rubric', RUBRIC_MODES);
  const referenceMode = oneOf('referenceMode', REFERENCE_MODES);
  if (kind) judge.kind = kind;
  if (rubric) judge.rubric = rubric;
  if (referenceMode) judge.referenceMode = referenceMode;
  for (const k of [...JUDGE_TEXT.builtin, ...JUDGE_TEXT.llm]) {
    const v = text(k);
    if (v !== undefined) judge[k] = k === 'baseUrl' ? publicBaseUrl(v) : v;
  }
  return { rl, judge };
}
