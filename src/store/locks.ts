// Tells a run that is training in another tab from one whose tab was closed mid-run: the trainer holds
// a Web Lock named after the run while it runs, and the browser drops it when the tab goes away.
// Where Web Locks do not exist (Node, old browsers) no run counts as live elsewhere.

/** The Web Lock a trainer holds while `runId` is running. */
export function runLockName(runId: string): string {
  return `exprl-run:${runId}`;
}

function lockManager(): LockManager | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks;
}

/**
 * Takes the run's lock and keeps it until the returned release function is called (or the tab or
 * worker ends). Resolves once the lock is held; without Web Locks it resolves at once.
 */
export async function holdRunLock(runId: string): Promise<() => void> {
  const locks = lockManager();
  if (!locks) return () => {};
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await new Promise<void>((held) => {
    void locks.request(runLockName(runId), () => {
      held();
      return released;
    });
  });
  return release;
}

/** Ids of runs whose lock some tab or worker holds right now. */
export async function liveRunIds(): Promise<Set<string>> {
  const locks = lockManager();
  const ids = new Set<string>();
  if (!locks) return ids;
  const prefix = runLockName('');
  const { held = [] } = await locks.query();
  for (const lock of held) if (lock.name?.startsWith(prefix)) ids.add(lock.name.slice(prefix.length));
  return ids;
}
