// The start weights of an RL run: read from checkpoint bytes, or a fresh seeded model; and the RL loop
// built on them (the policy with its frozen reference copy). Shared by the jobs, the CLIs and the tests.

import { RlPolicy } from './policy';
import { RlLoop } from './rl-loop';
import type { RlConfig } from './rl-config';
import type { ModelConfig } from '../model/config';
import { validateModelConfig } from '../model/config';
import { decodeCheckpoint } from '../model/checkpoint';
import { buildLayout, initParams } from '../model/params';
import type { Gpu } from '../gpu/dispatch';

export interface RlStart {
  config: ModelConfig;
  params: Float32Array; // (P) flat parameters
  step: number; // optimiser steps already taken by the checkpoint
}

/** Start weights from checkpoint bytes. */
export function startFromCheckpoint(bytes: ArrayBuffer): RlStart {
  const ck = decodeCheckpoint(bytes);
  const params = ck.sections['params'];
  if (!params) throw new Error('the checkpoint has no "params" section');
  return { config: ck.header.config, params, step: ck.header.step };
}

/** Fresh, seeded start weights (for tasks a random model can already sometimes solve). */
export function startFresh(config: ModelConfig, seed: number): RlStart {
  validateModelConfig(config);
  return { config, params: initParams(config, buildLayout(config), seed), step: 0 };
}

/** The RL loop of a start: the policy (its frozen reference the start weights) sized for one step's rows
 *  and `maxT` tokens a row (default the context), and the loop that drives it. */
export function createRlLoop(gpu: Gpu, start: RlStart, cfg: RlConfig, maxT?: number): RlLoop {
  const policy = new RlPolicy(gpu, start.config, start.params, cfg.promptsPerStep * cfg.groupSize, undefined, maxT);
  return new RlLoop(gpu, policy, cfg);
}
