// `npm run export -- --verl DIR`: the parquet rows, read back with an independent reader (hyparquet,
// not the writer), equal the tasks in the authors' layout; their prompt-template files, filled by
// python3 with str.format as their trainer fills them, equal our judge's messages byte for byte;
// the overrides name their estimators and our settings.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCli, type ExportCliIo } from '../../src/cli/export';
import { outcomeMessages, processMessages } from '../../src/judge/prompts';
import { hardProblems } from '../../src/tasks/splits';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'exprl-verl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out: string[] = [];
const io: ExportCliIo = {
  out: (t) => out.push(t),
  err: () => {},
  readFile: (p) => readFileSync(p),
  writeFile: (p, d) => writeFileSync(p, d),
  mkdir: (p) => mkdirSync(p, { recursive: true }),
};

function fileBuffer(path: string): ArrayBuffer {
  const bytes = readFileSync(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const rows = await parquetReadObjects({ file: fileBuffer(path) });
  return JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

describe('npm run export -- --verl DIR', () => {
  const folder = join(dir, 'verl');

  it("writes the tasks in the authors' row layout, read back by an independent reader", async () => {
    expect(
      await exportCli(['--verl', folder, '--train', '6', '--eval', '2', '--family', 'chain,linear', '--seed', '3'], io),
    ).toBe(0);
    const task = { families: ['chain', 'linear'] as ('chain' | 'linear')[], seed: 3 };
    for (const [file, split, problems] of [
      ['train.parquet', 'train', hardProblems(task, 'train', 6)],
      ['test.parquet', 'test', hardProblems(task, 'eval', 2)],
    ] as const) {
      const rows = await readParquet(join(folder, file));
      expect(rows).toEqual(
        problems.map((p, index) => ({
          data_source: 'prime_test',
          prompt: [
            { content: 'Please reason step by step, and put your final answer within \\boxed{}.', role: 'system' },
            { content: p.prompt, role: 'user' },
          ],
          ability: 'math',
          reward_model: { ground_truth: p.answer, style: 'rule' },
          extra_info: {
            answer: p.answer,
            id: p.id,
            index,
            question: p.prompt,
            solution: p.reference,
            source: p.family,
            split,
          },
        })),
      );
      const meta = parquetMetadata(fileBuffer(join(folder, file)));
      expect(meta.schema.map((e) => e.name)).toEqual([
        'schema',
        'data_source',
        'prompt',
        'list',
        'element',
        'content',
        'role',
        'ability',
        'reward_model',
        'ground_truth',
        'style',
        'extra_info',
        'answer',
        'id',
        'index',
        'question',
        'solution',
        'source',
        'split',
      ]);
    }
    expect(out.at(-1)).toMatch(/^verl: train\.parquet 6 rows, test\.parquet 2 rows; /);
  });

  it('their template files, filled by python3 with str.format, are our judge prompts byte for byte', () => {
    expect(existsSync(PYTHON), `${PYTHON} is missing: run bash scripts/setup.sh`).toBe(true);
    const problem = {
      id: 'p',
      question: 'Q: 48*2+37-5 {braces} and {problem}\n',
      reference: 'Double 48 and add 37 to get 133; take 5: 128.',
    };
    const response = '### 48*2=96\n### 96+37=133 {reasoning_trace}\nA: 128';
    const fill = (file: string, slot: string) =>
      JSON.parse(
        execFileSync(
          PYTHON,
          [
            '-c',
            [
              'import importlib.util, json, sys',
              `spec = importlib.util.spec_from_file_location("t", ${JSON.stringify(join(folder, file))})`,
              'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
              'a = json.load(sys.stdin)',
              `print(json.dumps([m.SYSTEM_PROMPT, m.USER_PROMPT.format(problem=a["q"], ${slot}=a["r"], reference_solution=a["ref"])]))`,
            ].join('\n'),
          ],
          { input: JSON.stringify({ q: problem.question, r: response, ref: problem.reference }) },
        ).toString(),
      );
    const [oSys, oUser] = fill('exprl_outcome_judge.py', 'reasoning_trace');
    expect([oSys, oUser]).toEqual(outcomeMessages(problem, response, null, false).map((m) => m.content));
    const [pSys, pUser] = fill('exprl_process_judge.py', 'generated_reasoning');
    expect([pSys, pUser]).toEqual(processMessages(problem, response, null, false).map((m) => m.content));
  });

  it('writes one overrides file per arm with their estimator names and our settings', () => {
    const read = (arm: string) =>
      readFileSync(join(folder, 'overrides', `${arm}.txt`), 'utf8')
        .trim()
        .split('\n');
    expect(read('process')).toEqual(
      expect.arrayContaining([
        'algorithm.adv_estimator=delta_process',
        'actor_rollout_ref.actor.clip_ratio_high=0.26',
        'actor_rollout_ref.actor.kl_loss_coef=0.001',
        'actor_rollout_ref.actor.kl_loss_type=low_var_kl',
        '++custom_reward_function.norm_strategy=smooth',
        '++custom_reward_function.clip_length=True',
        '++custom_reward_function.is_process=True',
        'actor_rollout_ref.rollout.n=8',
        `++custom_reward_function.prompt_template_path=${join(folder, 'exprl_process_judge.py')}`,
        `data.train_files=['${join(folder, 'train.parquet')}']`,
      ]),
    );
    expect(read('outcome')).toEqual(
      expect.arrayContaining([
        'algorithm.adv_estimator=grpo',
        'actor_rollout_ref.actor.clip_ratio_high=0.28',
        `++custom_reward_function.prompt_template_path=${join(folder, 'exprl_outcome_judge.py')}`,
      ]),
    );
    expect(read('end-norm')).toContain('algorithm.adv_estimator=group_process_end');
    expect(read('group-norm')).toContain('algorithm.adv_estimator=group_process');
    expect(read('grpo').some((l) => l.includes('custom_reward_function'))).toBe(false);
    const settings = JSON.parse(readFileSync(join(folder, 'settings.json'), 'utf8'));
    expect(settings.arms.map((a: { arm: string; verl: { script: string } }) => `${a.arm}:${a.verl.script}`)).toEqual([
      'outcome:dense_outcome.sh',
      'process:dense_pr_delta.sh',
      'end-norm:dense_pr_end.sh',
      'group-norm:dense_pr_gppo.sh',
      'grpo:grpo.sh',
    ]);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toContain('## Where their code and ours differ');
  });

  it('exports a dataset as train.parquet alone, and refuses bad combinations', async () => {
    const ds = join(dir, 'ds');
    expect(await exportCli(['--verl', ds, '--dataset', '../shared/data/gsm8k/test.jsonl'], io)).toBe(0);
    const rows = await readParquet(join(ds, 'train.parquet'));
    expect(rows).toHaveLength(1319);
    expect(rows[0]).toMatchObject({
      reward_model: { ground_truth: '18' },
      extra_info: { source: 'test', split: 'train', index: 0 },
    });
    expect(existsSync(join(ds, 'test.parquet'))).toBe(false);
    expect(await exportCli(['--verl', ds, '--trl', ds], io)).toBe(2);
    expect(await exportCli(['--verl', ds, '--model', 'm'], io)).toBe(2);
    expect(await exportCli(['--verl', ds, '--preset', 'nope'], io)).toBe(2);
  });
});
