import * as fs from 'node:fs'
import { errorCode, getErrorMessage } from './errors.js'

/** One entry that could not be read or removed. Counted in the `errors` output. */
export interface Failure {
  readonly path: string
  /** `read`: a directory could not be listed; `remove`: an entry could not be deleted. */
  readonly operation: 'read' | 'remove'
  /** The system error code (`EACCES`, `EBUSY`, …) when there is one. */
  readonly code: string | undefined
  readonly message: string
  /**
   * For EACCES/EPERM: the directory whose permissions refused us and its owner, since a
   * root-owned tree left by a container step is the usual cause.
   */
  readonly owner?: { readonly path: string; readonly uid: number }
}

const PERMISSION = new Set(['EACCES', 'EPERM'])

/** Builds a `Failure`; never throws. `ownerPath` is the directory to blame on EACCES/EPERM. */
export function toFailure(
  path: string,
  operation: Failure['operation'],
  error: unknown,
  ownerPath: string
): Failure {
  const message = getErrorMessage(error)
  const code = errorCode(error)
  if (code === undefined || !PERMISSION.has(code)) return { path, operation, code, message }
  try {
    const { uid } = fs.lstatSync(ownerPath)
    return { path, operation, code, message, owner: { path: ownerPath, uid } }
  } catch {
    return { path, operation, code, message }
  }
}

/** Errors that mean "it is gone already": not a failure for a cleaner. */
export function vanished(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR'
}
