// The entry-point choice of the row kernels (crossentropy, layernorm, logprob): rows up to a width
// limit get one thread per row (entry point `rows`, no barriers: on CPU adapters a barrier costs more
// than a whole row); wider rows get a workgroup of ROW_GROUP_WG threads per row (entry point `main`).
// Every shader of these kernels has both entry points, so any width works either way.

import { grid1d } from './grid';

/** Threads per workgroup in the workgroup-per-row entry point `main`. */
export const ROW_GROUP_WG = 256;

export interface RowEntry {
  entryPoint: 'rows' | 'main';
  constants: { WG: number };
  workgroups: [number, number];
}

/** True when rows of `width` elements take the thread-per-row entry point (`width` <= `maxThreadWidth`). */
export function threadPerRow(width: number, maxThreadWidth: number): boolean {
  return width <= maxThreadWidth;
}

/**
 * Entry point, override constants and grid for N rows of `width` elements. Thread per row packs
 * `rowsPerGroup` rows into a workgroup; workgroup per row launches N workgroups (wrapped into y past 65535).
 */
export function rowEntry(N: number, width: number, maxThreadWidth: number, rowsPerGroup: number): RowEntry {
  if (threadPerRow(width, maxThreadWidth))
    return { entryPoint: 'rows', constants: { WG: rowsPerGroup }, workgroups: grid1d(N, rowsPerGroup) };
  return { entryPoint: 'main', constants: { WG: ROW_GROUP_WG }, workgroups: grid1d(N, 1) };
}
