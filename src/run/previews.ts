// Previews a run produces for people to look at, as plain data: generations (a prompt completed
// greedily and by sampling). GPU-free, so the page can import the shapes.

import type { Preview } from './job';

export const SAMPLE_TEMPERATURE = 0.8; // a little below 1, so samples read as the model's typical output

/** One prompt completed twice: greedily (temperature 0) and by sampling. */
export interface Sample {
  prompt: string;
  greedy: string;
  sampled: string;
}

export interface SamplesPreview extends Preview {
  kind: 'samples';
  data: { temperature: number; samples: Sample[] };
}
