// Dawn's options under Node: the robustness transform is off unless EXPRL_ROBUST_SHADERS=1, and the
// device says which it got, so a bench or a bug report can name it.
import { describe, expect, it } from 'vitest';
import { ROBUST_ENV, acquireGpu, dawnOptions } from '../../src/gpu/device';

describe('Dawn options under Node', () => {
  it('turns the robustness transform off unless asked to keep it', () => {
    expect(dawnOptions({})).toEqual(['enable-dawn-features=disable_robustness']);
    expect(dawnOptions({ [ROBUST_ENV]: '0' })).toEqual(['enable-dawn-features=disable_robustness']);
    expect(dawnOptions({ [ROBUST_ENV]: '1' })).toEqual([]);
  });

  it('the acquired device reports whether buffer accesses are clamped', async () => {
    const { device, info } = await acquireGpu();
    expect(info.robustAccess).toBe(process.env[ROBUST_ENV] === '1');
    device.destroy();
  });
});
