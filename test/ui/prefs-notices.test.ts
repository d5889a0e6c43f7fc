// Page preferences (tab, presentation mode remembered in storage) and notices (worker errors and
// failed commands, merged when repeated, dismissible, gone once their condition ends or expired).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Prefs, TABS, type PrefStorage } from '../../src/ui/state/prefs.svelte';
import { Notices, describeError } from '../../src/ui/state/notices.svelte';

function memoryStorage(): PrefStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('Prefs', () => {
  it('remembers presentation mode across instances', () => {
    const s = memoryStorage();
    const a = new Prefs(s);
    expect(a.presentation).toBe(false);
    a.togglePresentation();
    expect(new Prefs(s).presentation).toBe(true);
    a.setPresentation(false);
    expect(new Prefs(s).presentation).toBe(false);
  });

  it('works when storage throws (blocked) or is absent', () => {
    const broken: PrefStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const p = new Prefs(broken);
    expect(p.presentation).toBe(false);
    p.togglePresentation();
    expect(p.presentation).toBe(true);
    expect(new Prefs().presentation).toBe(false);
  });

  it('arrow keys wrap around the tabs', () => {
    const p = new Prefs();
    expect(p.tab).toBe('demo'); // the landing and its one-click demo come first
    expect(p.step(-1)).toBe(TABS[TABS.length - 1].id);
    expect(p.step(1)).toBe('demo');
    expect(p.step(1)).toBe('rl');
  });
});

describe('Notices', () => {
  it('a full disk is a warning that says so; a failed step is an error', () => {
    expect(describeError('quota')).toEqual({ level: 'warning', title: 'Browser storage is full' });
    expect(describeError('device-lost').title).toMatch(/GPU device was lost/);
    expect(describeError('training').level).toBe('error');
  });

  it('merges repeats, keeps the five newest, dismisses by id', () => {
    const n = new Notices();
    const a = n.fromWorker('quota', 'full');
    expect(n.fromWorker('quota', 'full')).toBe(a);
    expect(n.list).toHaveLength(1);
    for (let i = 0; i < 6; i++) n.push('info', `t${i}`, 'm');
    expect(n.list).toHaveLength(5);
    expect(n.list[4].title).toBe('t5');
    n.dismiss(n.list[0].id);
    expect(n.list).toHaveLength(4);
    const c = n.fromCommand('export the run', new Error('no space'));
    expect(c).toMatchObject({ level: 'error', title: 'Could not export the run', message: 'no space' });
  });
});

describe('Notices that go out of date', () => {
  afterEach(() => vi.useRealTimers());

  it('a run training again clears its device-lost, storage-full and failed-step notices, not others', () => {
    const n = new Notices(0);
    n.fromWorker('device-lost', 'lost', 'a');
    n.fromWorker('quota', 'full', 'a');
    n.fromWorker('device-lost', 'lost too', 'b');
    n.fromWorker('storage', 'write failed', 'a');
    n.fromCommand('export the run', new Error('x'));
    n.runTraining('a');
    expect(n.list.map((x) => x.message)).toEqual(['lost too', 'write failed', 'x']);
    n.runDeleted('a');
    expect(n.list.map((x) => x.message)).toEqual(['lost too', 'x']);
  });

  it('a command that succeeds clears its earlier failure', () => {
    const n = new Notices(0);
    n.fromCommand('resume the run', new Error('no checkpoint'));
    n.fromCommand('export the run', new Error('disk'));
    n.commandSucceeded('resume the run');
    expect(n.list.map((x) => x.title)).toEqual(['Could not export the run']);
  });

  it('information expires after a few seconds; warnings and errors stay until dismissed', () => {
    vi.useFakeTimers();
    const n = new Notices(1000);
    n.push('info', 'Run imported', 'ok');
    n.fromWorker('quota', 'full', 'a');
    vi.advanceTimersByTime(999);
    expect(n.list).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(n.list.map((x) => x.title)).toEqual(['Browser storage is full']);
  });
});
