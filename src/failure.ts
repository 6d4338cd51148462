import * as fs from 'node:fs'
import { errorCode, getErrorMessage } from './errors.js'

/**
 * What was being done when a failure happened: `list` a directory (the walk), `enter` one to
 * remove what it holds, `unlink` a file or link, `rmdir` an emptied directory.
 */
export type Attempt = 'list' | 'enter' | 'reach' | 'unlink' | 'rmdir'

/** The directory whose permissions decided, as `lstat` saw it right after the failure. */
export interface Blamed {
  readonly path: string
  readonly uid: number
  readonly gid: number
  /** `st_mode`: type and permission bits. */
  readonly mode: number
}

/** One entry that could not be read or removed. Counted in the `errors` output. */
export interface Failure {
  readonly path: string
  /** `read`: a directory could not be listed; `remove`: an entry could not be deleted. */
  readonly operation: 'read' | 'remove'
  readonly attempt: Attempt
  /** The system error code (`EACCES`, `EBUSY`, …) when there is one. */
  readonly code: string | undefined
  /** The error as the system gave it, or what the action saw, in words. */
  readonly message: string
  /**
   * For EACCES/EPERM: the directory whose permissions refused (the entry's parent for a
   * removal, the directory itself for a listing), since its mode bits or its owner (a root-owned
   * tree left by a container step) are the usual cause.
   */
  readonly blamed?: Blamed
  /** For EACCES/EPERM on a removal: the owner of the entry itself (the sticky bit asks). */
  readonly entryUid?: number
}

const PERMISSION = new Set(['EACCES', 'EPERM'])

/** Which of the two operations an attempt belongs to. */
export function operationOf(attempt: Attempt): Failure['operation'] {
  return attempt === 'list' ? 'read' : 'remove'
}

/**
 * Builds a `Failure`; never throws. `blamedPath` is the directory to blame on EACCES/EPERM
 * (relative names resolve against the working directory, as the remover's do).
 */
export function toFailure(
  path: string,
  attempt: Attempt,
  error: unknown,
  blamedPath: string
): Failure {
  const failure: Failure = {
    path,
    operation: operationOf(attempt),
    attempt,
    code: errorCode(error),
    message: getErrorMessage(error)
  }
  if (failure.code === undefined || !PERMISSION.has(failure.code)) return failure
  const blamed = lstatOrUndefined(blamedPath)
  const entry = attempt === 'unlink' || attempt === 'rmdir' ? lstatOrUndefined(path) : undefined
  return {
    ...failure,
    ...(blamed && {
      blamed: { path: blamedPath, uid: blamed.uid, gid: blamed.gid, mode: blamed.mode }
    }),
    ...(entry && { entryUid: entry.uid })
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p)
  } catch {
    return undefined
  }
}

/**
 * Every failure of every root, by path in code-unit order: the same on every machine and in
 * every locale, in the log, the summary and the report.
 */
export function sortedFailures(
  results: readonly { readonly failures: readonly Failure[] }[]
): Failure[] {
  return results
    .flatMap(r => r.failures)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** Errors that mean "it is gone already": not a failure for a cleaner. */
export function vanished(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR'
}
