// On-policy self-distillation (method.md, OPSD): the teacher is the frozen start model given the
// problem AND the reference solution in context. teacherBatch rebuilds each sampled sequence as
// <bos> prompt "Reference: " reference "\n" response, so the teacher scores the student's own tokens.
// selfDistillation is the RL step's advantage strategy for this arm, in place of group advantages.

import { encode, BOS_ID } from '../model/tokenizer';
import {
  gatherResponse,
  paddedLength,
  responseTokens,
  toPadded,
  type PaddedBatch,
  type SequenceBatch,
} from './rl-batch';
import type { RlPolicy } from './policy';

export const TEACHER_PREFIX = 'Reference: ';

export interface TeacherContext {
  prompt: string;
  reference: string;
}

/** One teacher context per prompt, or an error when a reference is missing. */
export function teacherContexts(prompts: string[], references: string[] | undefined): TeacherContext[] {
  if (references?.length !== prompts.length) throw new Error('OPSD needs one reference per prompt');
  return prompts.map((prompt, i) => ({ prompt, reference: references[i] }));
}

/**
 * One teacher row per student row (row s belongs to prompt floor(s/G)). When the reference does not
 * fit in the context with the response, it is cut from its start (its end holds the final result).
 */
export function teacherBatch(
  student: SequenceBatch,
  ctx: TeacherContext[],
  G: number,
  contextLength: number,
): SequenceBatch {
  const S = student.S,
    Tmax = contextLength;
  const seqs = new Int32Array(S * Tmax);
  const promptLens = new Int32Array(S),
    lengths = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const { prompt, reference } = ctx[Math.floor(s / G)];
    const resp = responseTokens(student, s);
    const head = [BOS_ID, ...encode(prompt), ...encode(TEACHER_PREFIX)];
    const tail = encode('\n');
    const room = Tmax - head.length - tail.length - resp.length;
    if (room < 0)
      throw new Error(`OPSD: prompt and response of row ${s} leave no room for the reference in ${Tmax} tokens`);
    const ref = encode(reference);
    const kept = ref.length > room ? ref.slice(ref.length - room) : ref;
    const row = [...head, ...kept, ...tail, ...resp];
    seqs.set(row, s * Tmax);
    promptLens[s] = row.length - resp.length;
    lengths[s] = row.length;
  }
  return { S, Tmax, seqs, promptLens, lengths };
}

/**
 * OPSD's per-token signal on the student's own samples (method.md): A_t = log p_teacher(y_t | x, ref,
 * y<t) - log p_student(y_t | x, y<t), one array per response, used as the advantage of the clipped
 * loss with beta 0, so descent lowers the reverse KL to the teacher.
 */
export function opsdAdvantages(student: Float32Array[], teacher: Float32Array[]): Float32Array[] {
  if (student.length !== teacher.length)
    throw new Error(`OPSD: ${student.length} student rows and ${teacher.length} teacher rows`);
  return student.map((st, s) => {
    if (teacher[s].length !== st.length)
      throw new Error(`OPSD row ${s}: ${st.length} student and ${teacher[s].length} teacher log-probs`);
    return st.map((x, t) => teacher[s][t] - x);
  });
}

/**
 * The advantages of one step of self-distillation: the student's log-probs of its samples under the
 * policy (`padded`, the layout of `student`), then the teacher's of the same tokens under the frozen
 * start model, and their per-token difference. Every response token is kept (mask 1). The student's
 * log-probs are returned too: they are the update's old log-probs.
 */
export async function selfDistillation(
  policy: RlPolicy,
  student: SequenceBatch,
  padded: PaddedBatch,
  ctx: TeacherContext[],
  G: number,
): Promise<{ logpStudent: Float32Array; advs: Float32Array[]; masks: Float32Array[] }> {
  const contextLength = policy.config.contextLength;
  const logpStudent = await policy.logprobs(padded, 'policy');
  const tb = teacherBatch(student, ctx, G, contextLength);
  const teacherPadded = toPadded(tb, paddedLength(tb, contextLength));
  const teacher = gatherResponse(tb, teacherPadded.T, await policy.logprobs(teacherPadded, 'ref'));
  const advs = opsdAdvantages(gatherResponse(student, padded.T, logpStudent), teacher);
  return { logpStudent, advs, masks: advs.map((a) => new Float32Array(a.length).fill(1)) };
}
