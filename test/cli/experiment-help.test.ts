// `npm run experiment -- --help` names every option the command accepts, and says which arms need
// --log-dense for their dense-reward curve.
import { describe, expect, it } from 'vitest';
import { FLAG_NAMES, HELP, OPTION_NAMES } from '../../src/cli/experiment/experiment-args';

describe('npm run experiment -- --help', () => {
  it('lists every option the parser accepts', () => {
    const missing = [...OPTION_NAMES, ...FLAG_NAMES].filter((name) => !new RegExp(`--${name}\\b`).test(HELP));
    expect(missing).toEqual([]);
  });

  it('says which arms need --log-dense', () => {
    expect(HELP).toMatch(/--log-dense[\s\S]*every other arm and\s+every Stage II needs this option/);
  });
});
