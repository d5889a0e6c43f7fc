// One arm's (and stage's) held-out figures as the bars draw them: the verifier's share of steps right
// in order (when the problems' steps are known), pass@1 and pass@k.

export interface PassBar {
  label: string; // arm (and stage)
  color: string;
  p1: number;
  pk: number;
  p1Half?: number; // half-width of the 95% interval over seeds
  pkHalf?: number;
  steps?: number; // the verifier: mean share of a problem's steps right in order
  stepsHalf?: number;
}
