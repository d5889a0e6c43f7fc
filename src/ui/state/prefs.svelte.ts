// Page preferences: the active tab and presentation mode (large type for projectors). Presentation mode
// is remembered in localStorage; the tab is not (a reload starts on the demo). No run data lives here.

export type Tab = 'demo' | 'rl' | 'train' | 'runs' | 'results' | 'device';

export const TABS: { id: Tab; label: string }[] = [
  { id: 'demo', label: 'ExpRL demo' },
  { id: 'rl', label: 'RL runs' },
  { id: 'train', label: 'Pre-train' },
  { id: 'runs', label: 'Runs' },
  { id: 'results', label: 'Results' },
  { id: 'device', label: 'Device' },
];

const KEY = 'exprl:presentation';

/** The storage surface used (window.localStorage in the page, a Map-backed fake in tests). */
export type PrefStorage = Pick<Storage, 'getItem' | 'setItem'>;

export class Prefs {
  tab = $state<Tab>('demo');
  presentation = $state(false);

  constructor(private readonly storage?: PrefStorage) {
    try {
      this.presentation = storage?.getItem(KEY) === '1';
    } catch {
      this.presentation = false; // storage blocked (private mode): defaults only
    }
  }

  setPresentation(on: boolean): void {
    this.presentation = on;
    try {
      this.storage?.setItem(KEY, on ? '1' : '0');
    } catch {
      /* not remembered, still applied */
    }
  }

  togglePresentation(): void {
    this.setPresentation(!this.presentation);
  }

  /** Moves to the next (+1) or previous (-1) tab, wrapping: arrow keys in the tab list. */
  step(delta: 1 | -1): Tab {
    const i = TABS.findIndex((t) => t.id === this.tab);
    this.tab = TABS[(i + delta + TABS.length) % TABS.length].id;
    return this.tab;
  }
}
