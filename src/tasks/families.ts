// The registry of task families by name, for configs, the CLI and the page's family picker.
// Three families share one policy format ("### a op b=c" steps, "A: n"), so one checker, one
// tokenizer and one judge serve them all.

import { carryFamily } from './carry';
import { chainFamily } from './chain';
import { linearFamily } from './linear';
import type { FamilyName, TaskFamily } from './problem';

export const TASK_FAMILIES: Readonly<Record<FamilyName, TaskFamily>> = {
  chain: chainFamily,
  carry: carryFamily,
  linear: linearFamily,
};

export const FAMILY_NAMES = Object.keys(TASK_FAMILIES) as FamilyName[];

/** The family called `name`; throws with the list of known names otherwise. */
export function taskFamily(name: string): TaskFamily {
  const f = (TASK_FAMILIES as Record<string, TaskFamily | undefined>)[name];
  if (!f) throw new Error(`unknown task family ${JSON.stringify(name)}; known: ${FAMILY_NAMES.join(', ')}`);
  return f;
}
