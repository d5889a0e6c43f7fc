// `npm run export -- --trl DIR`: ExpRL-Outcome for TRL's GRPOTrainer. Writes the task rows (TRL's
// shape: a prompt column, the hidden reference beside it), the reward module (exprl_reward.py,
// standard-library Python), its prompt templates generated from src/judge/prompts.ts
// (exprl_prompts.json), the judge and GRPO settings (exprl_settings.json: the API key's environment
// variable name, never a key), a minimal training script and a README.

import { join } from 'node:path';
import { judgeTemplates } from '../judge/prompt-templates';
import { DEFAULT_LLM_JUDGE_CONFIG } from '../judge/llm-config';
import type { RubricMode } from '../judge/types';
import { trlRow, type ExportTask } from '../tasks/task-export';
import { writeJsonl } from '../util/jsonl';
import { trlReadme } from './export-readmes';
import { runSettings, trlConfig } from './export-settings';
import type { ExportCliIo } from './export';
import rewardModule from './trl/exprl_reward.py?raw';
import trainScript from './trl/train_grpo.py?raw';

export interface TrlJudgeOptions {
  baseUrl: string;
  model: string;
  apiKeyEnv: string;
  rubricMode: RubricMode;
  cacheDir: string | null; // null: the playground's default judge cache folder
}

/** exprl_settings.json: the judge exactly as our LLM judge runs it (text output), and the GRPO fields. */
export function trlSettings(judge: TrlJudgeOptions, preset: string): Record<string, unknown> {
  const d = DEFAULT_LLM_JUDGE_CONFIG;
  const run = runSettings(preset, 'outcome');
  return {
    format: 'exprl-trl-settings/1',
    judge: {
      base_url: judge.baseUrl,
      model: judge.model,
      api_key_env: judge.apiKeyEnv, // the key itself is read from this environment variable at run time
      temperature: d.temperature,
      max_tokens: d.maxTokens,
      timeout_s: d.timeoutMs / 1000,
      max_retries: d.maxRetries,
      retry_base_ms: d.retryBaseMs,
      retry_max_ms: d.retryMaxMs,
      max_retry_after_ms: d.maxRetryAfterMs,
      concurrency: d.concurrency,
      rubric_mode: judge.rubricMode,
      cache_dir: judge.cacheDir,
      no_cache: false,
    },
    trl: trlConfig(run),
    ours: run,
  };
}

/** Writes every file of the TRL export for these splits (name -> tasks). */
export function writeTrl(
  io: ExportCliIo,
  dir: string,
  splits: [string, ExportTask[]][],
  judge: TrlJudgeOptions,
  preset: string,
): void {
  if (!/^https?:\/\/[^\s/]+/i.test(judge.baseUrl))
    throw new Error(
      `--base-url must be an http(s) URL such as http://127.0.0.1:11434/v1, got ${JSON.stringify(judge.baseUrl)}`,
    );
  if (judge.model.trim() === '') throw new Error('--model: the judge model name is empty');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(judge.apiKeyEnv))
    throw new Error(`--api-key-env must be an environment variable name, got ${JSON.stringify(judge.apiKeyEnv)}`);
  io.mkdir(dir);
  for (const [name, tasks] of splits) io.writeFile(join(dir, `${name}.trl.jsonl`), writeJsonl(tasks.map(trlRow)));
  const enc = (x: unknown) => JSON.stringify(x, null, 2) + '\n';
  io.writeFile(join(dir, 'exprl_prompts.json'), enc(judgeTemplates()));
  io.writeFile(join(dir, 'exprl_settings.json'), enc(trlSettings(judge, preset)));
  io.writeFile(join(dir, 'exprl_reward.py'), rewardModule);
  io.writeFile(join(dir, 'train_grpo.py'), trainScript);
  io.writeFile(
    join(dir, 'README.md'),
    trlReadme(
      runSettings(preset, 'outcome'),
      judge,
      splits.map(([n, t]) => [n, t.length]),
    ),
  );
  io.out(
    `trl: ${splits.map(([n, t]) => `${n} ${t.length} problems`).join(', ')}; exprl_reward.py, train_grpo.py, exprl_prompts.json, exprl_settings.json, README.md -> ${dir}`,
  );
}
