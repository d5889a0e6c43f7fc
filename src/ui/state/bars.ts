// One arm's (and stage's) held-out figures as the pass@1 / pass@k bars draw them.

export interface PassBar {
  label: string; // arm (and stage)
  color: string;
  p1: number;
  pk: number;
  p1Half?: number; // half-width of the 95% interval over seeds
  pkHalf?: number;
}
