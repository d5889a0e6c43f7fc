// Notices shown above the page: errors from the worker (storage full, GPU lost, failed steps) and
// from commands the page sent. Each says what happened and what to do. A notice about a condition
// goes away by itself when the condition ends (the run trains again, the command later succeeds);
// information expires after a few seconds; the rest the user dismisses. Not a log: repeats merge.

import type { ErrorKind } from '../../worker/api';

export type NoticeLevel = 'error' | 'warning' | 'info';

export interface Notice {
  id: number;
  level: NoticeLevel;
  title: string;
  message: string;
  runId?: string; // the run a worker error is about
  kind?: ErrorKind; // which worker error, when it is one
  command?: string; // the command that failed ("resume the run"), when it is one
}

/** Worker errors that a run training again resolves (it could not train again otherwise). */
const RESOLVED_BY_TRAINING: readonly ErrorKind[] = ['quota', 'device-lost', 'training', 'judge'];

export const INFO_TTL_MS = 8000; // information notices expire after this long
const KEEP = 5; // the five most recent notices

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
    case 'judge':
      return { level: 'error', title: 'The run stopped' };
    default:
      return { level: 'error', title: 'Something went wrong' };
  }
}

export class Notices {
  list = $state<Notice[]>([]);
  private nextId = 1;

  constructor(private readonly infoTtlMs = INFO_TTL_MS) {}

  push(
    level: NoticeLevel,
    title: string,
    message: string,
    about: Pick<Notice, 'runId' | 'kind' | 'command'> = {},
  ): Notice {
    const last = this.list[this.list.length - 1];
    if (last && last.title === title && last.message === message) return last;
    const n: Notice = { id: this.nextId++, level, title, message, ...about };
    this.list = [...this.list, n].slice(-KEEP);
    if (level === 'info' && this.infoTtlMs > 0) setTimeout(() => this.dismiss(n.id), this.infoTtlMs);
    return n;
  }

  fromWorker(kind: ErrorKind, message: string, runId?: string): Notice {
    const { level, title } = describeError(kind);
    return this.push(level, title, message, { kind, runId });
  }

  /** A rejected command: its Error message is the explanation. */
  fromCommand(what: string, e: unknown): Notice {
    return this.push('error', `Could not ${what}`, e instanceof Error ? e.message : String(e), { command: what });
  }

  /** Whether a notice about the run says these words (a view then leaves them out). */
  shows(runId: string, message: string): boolean {
    return this.list.some((n) => n.runId === runId && n.message === message);
  }

  /** The run trains again: its storage-full, device-lost and failed-step notices are out of date. */
  runTraining(runId: string): void {
    this.drop((n) => n.runId === runId && n.kind !== undefined && RESOLVED_BY_TRAINING.includes(n.kind));
  }

  /** The run is gone: nothing about it applies any more. */
  runDeleted(runId: string): void {
    this.drop((n) => n.runId === runId);
  }

  /** The command succeeded this time: earlier failures of it are out of date. */
  commandSucceeded(what: string): void {
    this.drop((n) => n.command === what);
  }

  dismiss(id: number): void {
    this.drop((n) => n.id === id);
  }

  private drop(pred: (n: Notice) => boolean): void {
    if (this.list.some(pred)) this.list = this.list.filter((n) => !pred(n));
  }
}
