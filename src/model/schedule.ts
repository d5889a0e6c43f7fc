// Learning-rate schedule: linear warm-up to the peak, then cosine decay to a tenth of it (nanoGPT).

export function learningRate(step: number, peak: number, warmup: number, total: number): number {
  if (step <= warmup) return (peak * step) / Math.max(1, warmup);
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  const min = peak / 10;
  return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
}
