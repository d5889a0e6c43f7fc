// Notices shown above the page: errors from the worker (storage full, GPU lost, failed steps) and
// from commands the page sent. Each says what happened and what to do; the user dismisses them.
// Not a log: identical consecutive notices are merged.

import type { ErrorKind } from '../../worker/api';

export type NoticeLevel = 'error' | 'warning' | 'info';

export interface Notice {
  id: number;
  level: NoticeLevel;
  title: string;
  message: string;
}

/** The title and level shown for each kind of worker error. */
export function describeError(kind: ErrorKind): { level: NoticeLevel; title: string } {
  switch (kind) {
    case 'quota':
      return { level: 'warning', title: 'Browser storage is full' };
    case 'device-lost':
      return { level: 'warning', title: 'The GPU device was lost' };
    case 'training':
      return { level: 'error', title: 'Training stopped with an error' };
    case 'storage':
      return { level: 'error', title: 'Could not write to browser storage' };
    default:
      return { level: 'error', title: 'Something went wrong' };
  }
}

export class Notices {
  list = $state<Notice[]>([]);
  private nextId = 1;

  push(level: NoticeLevel, title: string, message: string): Notice {
    const last = this.list[this.list.length - 1];
    if (last && last.title === title && last.message === message) return last;
    const n: Notice = { id: this.nextId++, level, title, message };
    this.list = [...this.list, n].slice(-5); // the five most recent
    return n;
  }

  fromWorker(kind: ErrorKind, message: string): Notice {
    const { level, title } = describeError(kind);
    return this.push(level, title, message);
  }

  /** A rejected command: its Error message is the explanation. */
  fromCommand(what: string, e: unknown): Notice {
    return this.push('error', `Could not ${what}`, e instanceof Error ? e.message : String(e));
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }
}
