// The LLM judge's prompts as fill-in templates (Python str.format syntax) for the judges of other
// trainers: TRL's reward module and the authors' verl code (npm run export -- --trl / --verl). They
// are generated from prompts.ts, never re-typed: each prompt is rendered once with a unique marker in
// every slot, literal braces are doubled, and each marker becomes {name}. Filling a template with the
// same texts (each defused as fence() defuses it) gives our judge's messages byte for byte.

import { outcomeMessages, processMessages, rubricMessages, PROMPT_VERSION, type ChatMessage } from './prompts';
import type { JudgeProblem } from './types';

/** One chat prompt as templates: a system message and a user message with {slot} placeholders. */
export interface PromptTemplate {
  system: string;
  user: string;
  slots: string[]; // the placeholders the user template holds, in order of first use
}

/** Every template the TRL module needs; slots: problem, reference, student, checkpoints. */
export interface JudgeTemplates {
  promptVersion: string;
  rubric: PromptTemplate; // explicit mode: build the checkpoints once per problem
  outcomeExplicit: PromptTemplate; // grade with the cached checkpoints
  outcomeImplicit: PromptTemplate; // the judge extracts the checkpoints inside the call
  outcomeNoReference: PromptTemplate; // an empty reference: no reference block, no checkpoints
  processExplicit: PromptTemplate;
  processImplicit: PromptTemplate;
  fences: Record<string, string>; // slot -> the fence tag around it (its text is defused for that tag)
}

const mark = (slot: string) => `\u0000EXPRL_SLOT_${slot}\u0000`;

/** A rendered text with every literal brace doubled and each slot marker turned into {slot}. */
function toTemplate(text: string, slots: readonly string[]): { text: string; used: string[] } {
  if (/\u0000/.test(text.replace(/\u0000EXPRL_SLOT_[a-z_]+\u0000/g, '')))
    throw new Error('prompt template: a prompt holds a NUL character');
  let out = text.replace(/[{}]/g, (b) => b + b);
  const used: string[] = [];
  for (const slot of slots) {
    const n = out.split(mark(slot)).length - 1;
    if (n === 0) continue;
    if (n > 1) throw new Error(`prompt template: slot ${slot} appears ${n} times; each must appear once`);
    used.push(slot);
    out = out.replace(mark(slot), `{${slot}}`);
  }
  const left = /\u0000EXPRL_SLOT_([a-z_]+)\u0000/.exec(out);
  if (left) throw new Error(`prompt template: marker of slot ${left[1]} was not replaced`);
  return { text: out, used };
}

function template(messages: ChatMessage[], slots: readonly string[]): PromptTemplate {
  if (messages.length !== 2 || messages[0].role !== 'system' || messages[1].role !== 'user') {
    throw new Error('prompt template: expected one system and one user message');
  }
  const system = toTemplate(messages[0].content, slots);
  if (system.used.length > 0) throw new Error(`prompt template: the system message holds slot ${system.used[0]}`);
  const user = toTemplate(messages[1].content, slots);
  const order = [...user.used].sort((a, b) => user.text.indexOf(`{${a}}`) - user.text.indexOf(`{${b}}`));
  return { system: system.text, user: user.text, slots: order };
}

const SLOTS = ['problem', 'reference', 'student', 'checkpoints'] as const;

/** The templates of the text-output judge (structured output off: the "Score: k" rule). */
export function judgeTemplates(): JudgeTemplates {
  const problem: JudgeProblem = { id: 'template', question: mark('problem'), reference: mark('reference') };
  const noRef: JudgeProblem = { ...problem, reference: '' };
  const rubric = { problemId: 'template', checkpoints: [mark('checkpoints')] };
  const checkpointsOnly = (t: PromptTemplate): PromptTemplate => {
    // rubricBlock writes "1. <checkpoint>": the slot takes every numbered line, so the number goes.
    const user = t.user.replace('1. {checkpoints}', '{checkpoints}');
    if (user === t.user) throw new Error('prompt template: the checkpoint list has changed shape in prompts.ts');
    return { ...t, user };
  };
  return {
    promptVersion: PROMPT_VERSION,
    rubric: template(rubricMessages(problem, false), SLOTS),
    outcomeExplicit: checkpointsOnly(template(outcomeMessages(problem, mark('student'), rubric, false), SLOTS)),
    outcomeImplicit: template(outcomeMessages(problem, mark('student'), null, false), SLOTS),
    outcomeNoReference: template(outcomeMessages(noRef, mark('student'), null, false), SLOTS),
    processExplicit: checkpointsOnly(template(processMessages(problem, mark('student'), rubric, false), SLOTS)),
    processImplicit: template(processMessages(problem, mark('student'), null, false), SLOTS),
    fences: { problem: 'problem', reference: 'reference', student: 'student', checkpoints: 'checkpoints' },
  };
}

/**
 * A template with its slots renamed (e.g. to the authors' verl names: problem -> problem,
 * student -> reasoning_trace, reference -> reference_solution). Every slot must be mapped.
 */
export function renameSlots(t: PromptTemplate, names: Record<string, string>): PromptTemplate {
  let user = t.user;
  for (const slot of t.slots) {
    const to = names[slot];
    if (!to) throw new Error(`prompt template: no new name for slot ${slot}`);
    user = user.replace(`{${slot}}`, `{${to}}`);
  }
  return { system: t.system, user, slots: t.slots.map((s) => names[s]) };
}

/** A Python module that defines SYSTEM_PROMPT and USER_PROMPT (JSON string literals are valid Python). */
export function pythonPromptModule(t: PromptTemplate, header: string[]): string {
  const lines = header.map((h) => `# ${h}`);
  lines.push('', `SYSTEM_PROMPT = ${JSON.stringify(t.system)}`, '', `USER_PROMPT = ${JSON.stringify(t.user)}`, '');
  return lines.join('\n');
}
