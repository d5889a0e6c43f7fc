// Opens the runs library: the IndexedDB database at the current schema version, upgraded through
// schema.ts from whatever version this browser holds, wrapped by idb, then runs a closed tab left
// 'running' are marked 'interrupted'. Takes any IDBFactory, so tests pass a fake one (under Node,
// import 'fake-indexeddb/auto' first: idb and the key ranges use the global IDB classes).

import { wrap, type IDBPDatabase } from 'idb';
import { isQuotaError } from './quota';
import { DB_VERSION, upgradeSchema, type ExprlDB, type UpgradeTx } from './schema';
import { Store } from './store';
import { QuotaExceededStoreError } from './records';

export const DB_NAME = 'exprl-playground';
export { DB_VERSION };

/** Opens the library and marks runs interrupted by a closed tab (see Store.markInterrupted). */
export async function openStore(name = DB_NAME, factory?: IDBFactory): Promise<Store> {
  const store = new Store(await openDatabase(name, factory));
  try {
    await store.markInterrupted();
  } catch (err) {
    // A full disk must not lock the user out of their runs: they stay readable, marked as they were.
    if (!(err instanceof QuotaExceededStoreError)) throw err;
  }
  return store;
}

/**
 * Opens (creating or upgrading) the database at `version`; `version` below DB_VERSION exists for
 * tests that build an old database. The connection closes itself when a newer page wants to
 * upgrade, so an old tab never blocks the upgrade.
 */
export async function openDatabase(
  name = DB_NAME,
  factory?: IDBFactory,
  version = DB_VERSION,
): Promise<IDBPDatabase<ExprlDB>> {
  const idb = factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb)
    throw new Error(
      'This browser offers no IndexedDB (private windows of some browsers do not), so runs cannot be saved.',
    );
  const request = idb.open(name, version);
  let upgradeError: unknown;
  request.addEventListener('upgradeneeded', (event) => {
    const tx = wrap(request.transaction!) as unknown as UpgradeTx;
    tx.done.catch(() => undefined); // an aborted upgrade is reported by the open request below
    upgradeSchema(wrap(request.result), event.oldVersion, event.newVersion ?? version, tx).catch(
      (err) => (upgradeError = err),
    );
  });
  let db: IDBPDatabase<ExprlDB>;
  try {
    db = (await wrap(request)) as unknown as IDBPDatabase<ExprlDB>;
  } catch (err) {
    const error = upgradeError ?? err;
    if (isQuotaError(error)) throw new QuotaExceededStoreError('the upgrade of the run library', { cause: error });
    if ((error as Error)?.name === 'VersionError')
      throw new Error(
        `The run library in this browser was saved by a newer version of the playground (this page knows schema ${version}). ` +
          'Reload the page to get the newest version; nothing was changed.',
        { cause: error },
      );
    if (upgradeError !== undefined)
      throw new Error(
        `Upgrading the run library failed, and it was left as it was: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    throw err;
  }
  db.addEventListener('versionchange', () => db.close());
  return db;
}
