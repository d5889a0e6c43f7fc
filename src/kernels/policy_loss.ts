// Policy-loss kernels: bind buffers and build dispatches for shaders/policy_loss_{forward,backward}.wgsl. Per-token math only; the mask and the aggregation arrive as `weight`.

import forwardCode from '../../shaders/policy_loss_forward.wgsl?raw';
import backwardCode from '../../shaders/policy_loss_backward.wgsl?raw';
import { makeDispatch, type Buf, type Dispatch, type Gpu } from '../gpu/dispatch';
import { UniformWriter } from '../gpu/buffers';
import type { PolicyLossHp } from '../ref/policy_loss';
import { grid1d } from './grid';

export type { PolicyLossHp } from '../ref/policy_loss';

const WG = 256;

/** The Params uniform of both policy-loss kernels; rewrite a Dispatch's uniform with it to change hp. */
export function policyLossUniform(N: number, hp: PolicyLossHp): Uint8Array {
  return new UniformWriter().u32(N).f32(hp.epsLow).f32(hp.epsHigh).f32(hp.beta).f32(hp.entCoef).bytes();
}

/** terms (N,4) = per token [loss_t, kl_t, clippedLow_t, clippedHigh_t]; see src/ref/policy_loss.ts. */
export function policyLossForward(
  gpu: Gpu,
  terms: Buf,
  logp: Buf,
  logpOld: Buf,
  logpRef: Buf,
  adv: Buf,
  weight: Buf,
  entropy: Buf,
  N: number,
  hp: PolicyLossHp,
): Dispatch {
  return makeDispatch(gpu, {
    name: 'policy_loss_forward',
    code: forwardCode,
    constants: { WG },
    buffers: [terms, logp, logpOld, logpRef, adv, weight, entropy],
    uniform: policyLossUniform(N, hp),
    workgroups: grid1d(N, WG),
  });
}

/** dlogp (N) += dloss/dlogp, dentropy (N) += dloss/dentropy (accumulates). */
export function policyLossBackward(
  gpu: Gpu,
  dlogp: Buf,
  dentropy: Buf,
  logp: Buf,
  logpOld: Buf,
  logpRef: Buf,
  adv: Buf,
  weight: Buf,
  N: number,
  hp: PolicyLossHp,
): Dispatch {
  return makeDispatch(gpu, {
    name: 'policy_loss_backward',
    code: backwardCode,
    constants: { WG },
    buffers: [dlogp, dentropy, logp, logpOld, logpRef, adv, weight],
    uniform: policyLossUniform(N, hp),
    workgroups: grid1d(N, WG),
  });
}

/** adv (N) = logpTeacher (N) - logpStudent (N): the OPSD per-token advantage. */
