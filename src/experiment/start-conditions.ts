// What a start model must show before any RL is worth running (method.md, "What a start model must
// show"), measured on held-out hard problems at the rollout temperature with the verifier:
//  1. every step's primitive: the step right given a right prefix and its "### " header, >= 90% at
//     every step index; the answer right given every step and the "A: " header, >= 50%;
//  2. the composition missing: pass@8 on hard problems <= 5% (unbiased, from n samples per problem);
//  3. something to reinforce: at the step where pre-training documents stop (the last column, the one
//     fewest documents reach), the next step right from a right prefix, header not given, >= 30%;
//  4. no guessing: a uniformly random answer of the right length is right < 1% of the time, and so are
//     the model's answers that follow work with a wrong or missing step.

import type { Gpu } from '../gpu/dispatch';
import { upload } from '../gpu/buffers';
import { GpuModel } from '../model/gpu-model';
import { GpuDecoder } from '../model/decode';
import { sampleRollouts } from '../model/sampling';
import type { ModelConfig } from '../model/config';
import { BOS_ID, EOS_ID, decode, encode } from '../model/tokenizer';
import { meanPassAtK } from '../rl/pass-at-k';
import { ANSWER_PREFIX, STEP_PREFIX, type Problem } from '../tasks/problem';
import { stepLines, verifyResponse } from '../tasks/verifier';

export interface WorldCheckOptions {
  problems: number; // held-out hard problems
  samples: number; // samples per problem for pass@k and the guessing rate
  prefixSamples: number; // samples per problem and step index for the conditional checks
  temperature: number; // the rollout temperature (0.8)
  k: number; // pass@k of condition 2 (8)
  batch: number; // rows decoded together
  seed: number;
  maxNewTokens: number;
}

export interface Condition {
  id: string;
  what: string;
  figure: number; // the measured share
  threshold: number;
  pass: boolean;
  detail: string; // per step index, counts
}

export interface WorldCheckReport {
  conditions: Condition[];
  passAt1: number;
  passAtK: number;
  perStep: number[]; // condition 1, per step index
  samples: number;
}

type Sampler = (prompts: string[], maxNew: number, seed: number) => Promise<{ text: string; truncated: boolean }[]>;

/** A sampler over a frozen model: prompts in batches of `batch` rows, at `temperature`. */
export function frozenSampler(
  gpu: Gpu,
  config: ModelConfig,
  params: Float32Array,
  batch: number,
  temperature: number,
): { sample: Sampler; destroy: () => void } {
  const model = new GpuModel(gpu, config, 1, 1);
  upload(gpu.device, model.params, params);
  const decoder = new GpuDecoder(gpu, model, batch, config.contextLength);
  const sample: Sampler = async (prompts, maxNew, seed) => {
    const out: { text: string; truncated: boolean }[] = [];
    for (let i = 0; i < prompts.length; i += batch) {
      const rows = prompts.slice(i, i + batch).map((p) => Int32Array.from([BOS_ID, ...encode(p)]));
      const ro = await sampleRollouts(gpu, model, decoder, rows, {
        temperature,
        topK: 0,
        topP: 1,
        seed: (seed * 7919 + 104729 * (i / batch + 1)) >>> 0,
        maxNewTokens: maxNew,
        eosId: EOS_ID,
        chunk: 16,
      });
      rows.forEach((_, r) => {
        const T = decoder.Tmax;
        out.push({
          text: decode(ro.seqs.subarray(r * T + ro.promptLens[r], r * T + ro.lengths[r])),
          truncated: ro.truncated[r] === 1,
        });
      });
    }
    return out;
  };
  return { sample, destroy: () => (decoder.destroy(), model.destroy()) };
}

const share = (a: number, b: number) => (b > 0 ? a / b : 0);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The first line of a continuation (without its line break). */
function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}

/** Runs the four checks on `problems` (held-out, hard) with `sample`. */
export async function checkWorld(
  problems: Problem[],
  sample: Sampler,
  o: WorldCheckOptions,
  log: (line: string) => void = () => {},
): Promise<WorldCheckReport> {
  const ps = problems.slice(0, o.problems);
  const steps = ps.map((p) => stepLines(p.worked));
  const W = Math.max(...steps.map((s) => s.length));
  const lineBudget = Math.max(...steps.flat().map((l) => l.length)) + 4;

  // 1a. each step's primitive, header given
  const perStepRight = new Array<number>(W).fill(0),
    perStepN = new Array<number>(W).fill(0);
  for (let i = 0; i < W; i++) {
    const rows: { p: number; prompt: string }[] = [];
    ps.forEach((p, j) => {
      if (i >= steps[j].length) return;
      const prefix =
        p.prompt +
        steps[j]
          .slice(0, i)
          .map((l) => STEP_PREFIX + l + '\n')
          .join('') +
        STEP_PREFIX;
      for (let r = 0; r < o.prefixSamples; r++) rows.push({ p: j, prompt: prefix });
    });
    const got = await sample(
      rows.map((r) => r.prompt),
      lineBudget,
      o.seed + 11 * (i + 1),
    );
    got.forEach((g, r) => {
      perStepN[i]++;
      if (firstLine(g.text) === steps[rows[r].p][i]) perStepRight[i]++;
    });
    log(`  step ${i + 1}: ${pct(share(perStepRight[i], perStepN[i]))} right given a right prefix and its header`);
  }
  const perStep = perStepRight.map((r, i) => share(r, perStepN[i]));

  // 1b. reading the answer off every right step
  const ansRows = ps.flatMap((p, j) =>
    Array.from({ length: o.prefixSamples }, () => ({
      j,
      prompt: p.prompt + steps[j].map((l) => STEP_PREFIX + l + '\n').join('') + ANSWER_PREFIX,
    })),
  );
  const ans = await sample(
    ansRows.map((r) => r.prompt),
    16,
    o.seed + 7,
  );
  const ansRight = ans.filter((g, r) => firstLine(g.text).trim() === ps[ansRows[r].j].answer).length;
  log(`  answer: ${pct(share(ansRight, ans.length))} right given every right step and "${ANSWER_PREFIX.trim()}"`);

  // 3. the step where documents stop (the last column), from a right prefix, header not given
  const lastRows = ps.flatMap((p, j) =>
    Array.from({ length: o.prefixSamples }, () => ({
      j,
      prompt:
        p.prompt +
        steps[j]
          .slice(0, -1)
          .map((l) => STEP_PREFIX + l + '\n')
          .join(''),
    })),
  );
  const last = await sample(
    lastRows.map((r) => r.prompt),
    lineBudget,
    o.seed + 5,
  );
  const lastRight = last.filter((g, r) => firstLine(g.text) === STEP_PREFIX + steps[lastRows[r].j].at(-1)).length;
  log(`  last step unprompted: ${pct(share(lastRight, last.length))} right from a right prefix`);

  // 2 and 4. free sampling: pass@k, and answers right without the work
  const free = ps.flatMap((p) => Array.from({ length: o.samples }, () => p.prompt));
  const got = await sample(free, o.maxNewTokens, o.seed + 3);
  const counts = ps.map((p, j) => {
    let c = 0;
    for (let r = 0; r < o.samples; r++) {
      const g = got[j * o.samples + r];
      if (!g.truncated && verifyResponse(p, g.text).answer) c++;
    }
    return { n: o.samples, c };
  });
  let guesses = 0,
    guessedRight = 0;
  got.forEach((g, r) => {
    const v = verifyResponse(ps[Math.floor(r / o.samples)], g.text);
    if (g.truncated || v.allSteps || !/^A: ?\d/m.test(g.text)) return;
    guesses++;
    if (v.answer) guessedRight++;
  });
  const passAt1 = meanPassAtK(counts, 1),
    passAtKv = meanPassAtK(counts, o.k);
  const chance = Math.max(...ps.map((p) => 1 / (9 * 10 ** (p.answer.length - 1))));
  log(
    `  free sampling: pass@1 ${pct(passAt1)}, pass@${o.k} ${pct(passAtKv)}; answers after wrong work right ${guessedRight} of ${guesses}`,
  );

  const minStep = Math.min(...perStep);
  const guessRate = share(guessedRight, guesses);
  const conditions: Condition[] = [
    {
      id: 'steps',
      what: 'every step right given a right prefix (worst step index)',
      figure: minStep,
      threshold: 0.9,
      pass: minStep >= 0.9,
      detail: perStep.map((x, i) => `${i + 1}: ${pct(x)}`).join(', '),
    },
    {
      id: 'answer',
      what: 'answer right given every right step',
      figure: share(ansRight, ans.length),
      threshold: 0.5,
      pass: share(ansRight, ans.length) >= 0.5,
      detail: `${ansRight} of ${ans.length}`,
    },
    {
      id: 'dead-zone',
      what: `pass@${o.k} on hard problems`,
      figure: passAtKv,
      threshold: 0.05,
      pass: passAtKv <= 0.05,
      detail: `pass@1 ${pct(passAt1)}; ${counts.filter((c) => c.c > 0).length} of ${ps.length} problems solved at least once in ${o.samples}`,
    },
    {
      id: 'reinforce',
      what: 'the last step (the one fewest documents reach) right from a right prefix',
      figure: share(lastRight, last.length),
      threshold: 0.3,
      pass: share(lastRight, last.length) >= 0.3,
      detail: `${lastRight} of ${last.length}`,
    },
    {
      id: 'no-guessing',
      what: 'answers right after wrong or missing work; a random answer',
      figure: Math.max(guessRate, chance),
      threshold: 0.01,
      pass: guessRate < 0.01 && chance < 0.01,
      detail: `${guessedRight} of ${guesses} model answers; chance ${(100 * chance).toFixed(4)}%`,
    },
  ];
  return { conditions, passAt1, passAtK: passAtKv, perStep, samples: got.length };
}
