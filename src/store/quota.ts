// Turns a full-disk failure of an IndexedDB write into QuotaExceededStoreError, which says what was not
// saved. Browsers report it as a QuotaExceededError DOMException on the failing request and on the
// aborted transaction (Firefox's legacy name: NS_ERROR_DOM_QUOTA_REACHED, legacy code 22).

import { QuotaExceededStoreError } from './records';

/** True for the browser's "storage quota is full" error. */
export function isQuotaError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return (
    name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || (name !== 'TypeError' && code === 22)
  );
}

/**
 * Runs a write; a quota failure becomes QuotaExceededStoreError naming `unsaved` ("the checkpoint at
 * step 40 of run x"; a function when the name is known only inside the write). The write must be one
 * transaction, so that a failure rolls it back whole.
 */
export async function guardQuota<T>(unsaved: string | (() => string), write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isQuotaError(err))
      throw new QuotaExceededStoreError(typeof unsaved === 'string' ? unsaved : unsaved(), { cause: err });
    throw err;
  }
}
