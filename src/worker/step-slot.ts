// The session's step-through and re-scores: at most one step-through is open (a setup other than the
// open one replaces it, a run that starts training closes it: they share the GPU), and re-scores of
// its step or of a stored step of a run. The session serialises the calls and refuses a step while a
// run trains.

import type { Gpu } from '../gpu/dispatch';
import type { Store } from '../store/store';
import type { PageJudge, Rescore, RescoreSource, RlRunSetup } from './api';
import type { JudgeSlot } from './judge-slot';
import { Rescorer } from './rescorer';
import { startBytes } from './rl-builder';
import { assertRlSetup } from './rl-setup';
import { StepThrough } from './step-through';

export class StepSlot {
  private open?: StepThrough;
  private readonly rescorer: Rescorer;

  constructor(private readonly judges: JudgeSlot) {
    this.rescorer = new Rescorer(judges);
  }

  /** The step in flight of `setup`'s step-through (opened, or replacing another setup's), or its next step. */
  async begin(setup: RlRunSetup, gpu: Gpu, store: Store, shipped: () => Promise<ArrayBuffer>) {
    assertRlSetup(setup);
    const key = JSON.stringify(setup);
    if (this.open?.key !== key) {
      this.close();
      this.open = await StepThrough.open(gpu, setup, await startBytes(setup, store, shipped), this.judges);
    }
    return this.open.begin();
  }

  next() {
    if (!this.open) throw new Error('no step-through is open: press Step first');
    return this.open.next();
  }

  rescore(source: RescoreSource, judge: PageJudge | null, store: Store): Promise<Rescore> {
    if (source.kind === 'run') return this.rescorer.stored(store, source.runId, source.step, judge);
    if (!this.open) throw new Error('no step-through is open: press Step first');
    return this.open.rescore(this.rescorer, judge);
  }

  close(): void {
    this.open?.destroy();
    this.open = undefined;
  }
}
