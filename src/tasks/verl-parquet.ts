// A task set in the exact row layout the authors' Stage I code (violetxi/ExpRL, stage1_verl) reads:
// parquet files with the columns data_source, prompt (chat messages: a system instruction, then the
// question followed by a line break), ability, reward_model {style, ground_truth} and extra_info
// {index, split, solution, question, answer}. Their judge reads the question from extra_info.question
// and the hidden reference from extra_info.solution; the policy sees only `prompt`. Written with
// hyparquet-writer; nested columns get an explicit schema (3-level LIST of structs, as pyarrow writes).

import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ExportTask } from './task-export';

/** The instruction their data builder puts before every math question (Qwen's standard math prompt). */
export const VERL_SYSTEM_PROMPT = 'Please reason step by step, and put your final answer within \\boxed{}.';

/**
 * Their default correctness scorer (verl's default_compute_score) picks a checker by data_source and
 * refuses names it does not know; "prime_test" is their name for generated data without one source
 * (math_verify on the \boxed{} answer). Our own source stays in extra_info.source.
 */
export const VERL_DATA_SOURCE = 'prime_test';

export interface AuthorsVerlRow {
  data_source: string;
  prompt: { role: 'system' | 'user'; content: string }[];
  ability: 'math';
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: {
    index: number;
    split: string;
    solution: string;
    question: string;
    answer: string;
    id: string;
    source: string;
  };
}

/** The question as their template renders it: the text, then one line break. */
export function verlQuestion(prompt: string): string {
  return prompt.endsWith('\n') ? prompt : `${prompt}\n`;
}

export function authorsVerlRow(t: ExportTask, split: string, index: number): AuthorsVerlRow {
  const question = verlQuestion(t.prompt);
  const answer = t.answer ?? '';
  return {
    data_source: VERL_DATA_SOURCE,
    prompt: [
      { role: 'system', content: VERL_SYSTEM_PROMPT },
      { role: 'user', content: question },
    ],
    ability: 'math',
    reward_model: { style: 'rule', ground_truth: answer },
    extra_info: { index, split, solution: t.reference, question, answer, id: t.id, source: t.source },
  };
}

const text = (name: string) => ({
  name,
  type: 'BYTE_ARRAY' as const,
  converted_type: 'UTF8' as const,
  repetition_type: 'OPTIONAL' as const,
});

// Struct fields in the order pyarrow gives them when HF datasets writes these rows.
const SCHEMA = [
  { name: 'schema', num_children: 5 },
  text('data_source'),
  { name: 'prompt', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL' as const, num_children: 2 },
  text('content'),
  text('role'),
  text('ability'),
  { name: 'reward_model', repetition_type: 'OPTIONAL' as const, num_children: 2 },
  text('ground_truth'),
  text('style'),
  { name: 'extra_info', repetition_type: 'OPTIONAL' as const, num_children: 7 },
  text('answer'),
  text('id'),
  { name: 'index', type: 'INT64' as const, repetition_type: 'OPTIONAL' as const },
  text('question'),
  text('solution'),
  text('source'),
  text('split'),
];

/** The rows as one parquet file (SNAPPY pages, statistics on), ready for data.train_files. */
export function verlParquet(rows: AuthorsVerlRow[]): Uint8Array {
  if (rows.length === 0) throw new Error('verl export: no rows to write');
  const columnData = [
    { name: 'data_source', data: rows.map((r) => r.data_source) },
    { name: 'prompt', data: rows.map((r) => r.prompt.map((m) => ({ content: m.content, role: m.role }))) },
    { name: 'ability', data: rows.map((r) => r.ability) },
    {
      name: 'reward_model',
      data: rows.map((r) => ({ ground_truth: r.reward_model.ground_truth, style: r.reward_model.style })),
    },
    {
      name: 'extra_info',
      data: rows.map((r) => {
        const e = r.extra_info;
        return {
          answer: e.answer,
          id: e.id,
          index: BigInt(e.index),
          question: e.question,
          solution: e.solution,
          source: e.source,
          split: e.split,
        };
      }),
    },
  ];
  return new Uint8Array(
    parquetWriteBuffer({ columnData, schema: SCHEMA, createdBy: 'exprl-playground npm run export -- --verl' }),
  );
}
