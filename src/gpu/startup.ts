// Start-up time: from "start" (the user's click in the page, the command in the CLI) to the first
// finished training step, the one figure the user feels before anything moves. One clock for both:
// the bench's probe (bench/probe.ts) uses it, and the page's worker makes one when a run is
// started and calls stepDone() after each step; the first call returns the start-up report.

import type { PipelineCache, PipelineMode } from './pipelines';

export interface StartupReport {
  ms: number; // start -> first finished step
  pipelines: number; // pipelines the run created (or requested) by then
  mode: PipelineMode; // how they were created
}

export class StartupClock {
  private readonly t0: number;
  private report: StartupReport | null = null;

  /** Starts the clock now (or at `t0`, a performance.now() value taken earlier). */
  constructor(
    private readonly pipelines: PipelineCache,
    t0?: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.t0 = t0 ?? now();
  }

  /** Call after every finished step: the report at the first call, null afterwards. */
  stepDone(): StartupReport | null {
    if (this.report) return null;
    this.report = { ms: this.now() - this.t0, pipelines: this.pipelines.size, mode: this.pipelines.mode };
    return this.report;
  }

  /** The report once the first step has finished, else null. */
  get result(): StartupReport | null {
    return this.report;
  }
}
