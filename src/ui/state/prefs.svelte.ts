// Page preferences: the active tab and presentation mode (large type for projectors). Presentation mode
// is remembered in localStorage; the tab is not (a reload starts on Train). No run data lives here.

export type Tab = 'train' | 'runs' | 'rl' | 'device';

export const TABS: { id: Tab; label: string }[] = [
  { id: 'train', label: 'Train' },
  { id: 'runs', label: 'Runs' },
  { id: 'rl', label: 'RL post-training' },
  { id: 'device', label: 'Device' },
];

const KEY = 'exprl:presentation';

/** The storage surface used (window.localStorage in the page, a Map-backed fake in tests). */
export type PrefStorage = Pick<Storage, 'getItem' | 'setItem'>;

export class Prefs {
  tab = $state<Tab>('train');
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
