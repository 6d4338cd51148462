import * as path from 'node:path'
import type { Attempt, Blamed, Failure } from './failure.js'

/** Who the step runs as, to say why a permission refused it. Undefined on Windows. */
export interface StepUser {
  readonly uid: number
  readonly gid: number
  /** Supplementary groups (`id -G`). */
  readonly groups: readonly number[]
}

/** The step's own user, from the process; undefined where there are no uids (Windows). */
export function currentUser(): StepUser | undefined {
  if (process.getuid === undefined || process.getgid === undefined) return undefined
  return { uid: process.getuid(), gid: process.getgid(), groups: process.getgroups?.() ?? [] }
}

const ATTEMPTED: Record<Attempt, string> = {
  list: 'Could not list directory',
  enter: 'Could not enter directory',
  reach: 'Could not reach',
  unlink: 'Could not delete file',
  rmdir: 'Could not remove directory'
}

/**
 * The warning for one failure, its path written once: what was attempted, the system error
 * without the internal relative argument, and what most likely caused it.
 *
 * `Could not delete file /w/ro/__pycache__/a.pyc: EACCES (permission denied). Its directory
 * /w/ro/__pycache__ is dr-xr-xr-x, owned by uid 0: …`
 */
export function failureLine(failure: Failure, user: StepUser | undefined): string {
  return `${ATTEMPTED[failure.attempt]} ${failure.path}: ${failureReason(failure, user)}`
}

/** The failure without its path (the summary shows the path in a column of its own). */
export function failureReason(failure: Failure, user: StepUser | undefined): string {
  const hint = failureHint(failure, user)
  return `${systemError(failure)}.${hint === undefined ? '' : ` ${hint}`}`
}

/** What was attempted, in a few words: the summary's "Attempted" column. */
export function attemptWords(attempt: Attempt): string {
  return ATTEMPTED[attempt].replace(/^Could not /, '')
}

/**
 * `EACCES (permission denied)`: the code and the system's text, without the syscall and the
 * relative name Node.js appends (`, unlink 'm.pyc'`), which say nothing to a user. A failure
 * with no system code is the action's own words.
 */
export function systemError(failure: Failure): string {
  return systemText(failure.code, failure.message)
}

/** `systemError` for any error's code and message. */
export function systemText(code: string | undefined, message: string): string {
  if (code === undefined) return message.replace(/\.$/, '')
  const m = /^([A-Z0-9_]+): (.*?)(?:, [a-z_]+(?: '.*)?)?$/s.exec(message)
  const text = m !== null && m[1] === code ? m[2] : message
  return text === code ? code : `${code} (${text})`
}

/** `ls -l`'s view of a mode: `drwxr-xr-x`, `d---------`, `drwxrwxrwt`. */
export function modeString(mode: number): string {
  const type = (mode & 0o170000) === 0o040000 ? 'd' : (mode & 0o170000) === 0o120000 ? 'l' : '-'
  const bit = (mask: number, c: string): string => (mode & mask ? c : '-')
  const special = (x: number, s: number, on: string): string =>
    mode & s ? (mode & x ? on : on.toUpperCase()) : bit(x, 'x')
  return (
    type +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't')
  )
}

const CONTAINER_HINT =
  'A container step running as root probably created it: run this step in that container ' +
  'too, or chown the files to the runner user first.'

/** The hint for a tree another user owns: root's is usually a container step's. */
function strangerHint(owner: number): string {
  if (owner === 0) return CONTAINER_HINT
  return (
    `Another user (uid ${owner}) owns it: run this step as that user, or chown the files to ` +
    "this step's user first."
  )
}

/** What most likely caused a failure, in a sentence or two; undefined when nothing is known. */
export function failureHint(failure: Failure, user: StepUser | undefined): string | undefined {
  switch (failure.code) {
    case 'EACCES':
    case 'EPERM':
      return permissionHint(failure, user)
    case 'EROFS':
      return 'The file system is mounted read-only: nothing on it can be removed.'
    case 'EBUSY':
      return (
        'It is in use: a mount point, or (on Windows) a file another process holds open; ' +
        'clean after that process ends.'
      )
    case 'EIO':
      return 'The disk or the file system reported an I/O error.'
    default:
      return undefined
  }
}

/** Which permission class of `blamed` applies to `user`, and whether it grants `need`. */
function permissionOf(
  blamed: Blamed,
  user: StepUser,
  need: string
): { who: string; missing: string } {
  if (user.uid === 0) return { who: 'root', missing: '' }
  const [who, shift] =
    user.uid === blamed.uid
      ? [`its owner, this step (uid ${user.uid}),`, 6]
      : user.gid === blamed.gid || user.groups.includes(blamed.gid)
        ? [`its group, which this step (uid ${user.uid}) is in,`, 3]
        : [`others, such as this step (uid ${user.uid}),`, 0]
  const granted = { r: 0o4, w: 0o2, x: 0o1 }
  const missing = [...need]
    .filter(c => ((blamed.mode >> shift) & granted[c as 'r' | 'w' | 'x']) === 0)
    .join('')
  return { who, missing }
}

const NEEDS: Record<Attempt, { bits: string; verb: string }> = {
  list: { bits: 'rx', verb: 'list it' },
  enter: { bits: 'x', verb: 'enter it' },
  reach: { bits: 'x', verb: 'enter it' },
  unlink: { bits: 'wx', verb: 'delete entries in it' },
  rmdir: { bits: 'wx', verb: 'delete entries in it' }
}

/**
 * A permission refusal: the mode bits and owner of the directory that decided, in whose class
 * the step falls, and the usual cause: another uid's tree (a container step), our own tree with
 * bits taken away, the sticky bit, or, when the bits allow it, an attribute or ACL.
 */
function permissionHint(failure: Failure, user: StepUser | undefined): string | undefined {
  const blamed = failure.blamed
  // Windows reports no owners or mode bits (uid 0 and 0o666 for everything): nothing to say
  // about them, only the usual causes there.
  if (user === undefined) {
    return (
      'On Windows this usually means another process has it open, or its access control list ' +
      'does not let this step delete it.'
    )
  }
  if (blamed === undefined) return undefined
  const subject =
    blamed.path === failure.path
      ? 'It'
      : `${failure.attempt === 'rmdir' ? 'Its parent' : 'Its directory'} ${blamed.path}`
  const described = `${subject} is ${modeString(blamed.mode)}, owned by uid ${blamed.uid}`
  const need = NEEDS[failure.attempt]
  const { who, missing } = permissionOf(blamed, user, need.bits)
  const stranger = blamed.uid !== user.uid && user.uid !== 0
  if (missing !== '') {
    const line = `${described}: its mode bits do not let ${who} ${need.verb}.`
    if (stranger) return `${line} ${strangerHint(blamed.uid)}`
    const on = blamed.path === failure.path ? 'it' : 'that directory'
    return `${line} Give the permission back first (chmod u+${missing} on ${on}), or exclude it.`
  }
  // The sticky bit refuses only someone who owns neither the entry nor the directory (and is
  // not root); to anyone else, the bits cannot be the cause.
  const removal = failure.attempt === 'unlink' || failure.attempt === 'rmdir'
  const entryOwner = failure.entryUid
  const sticky =
    removal &&
    (blamed.mode & 0o1000) !== 0 &&
    stranger &&
    entryOwner !== undefined &&
    entryOwner !== user.uid
  if (sticky) {
    return (
      `${described}, with the sticky bit: only the owner of ${path.basename(failure.path)} ` +
      `(uid ${entryOwner}) or of the directory may delete it, and this step runs as uid ` +
      `${user.uid}. ${strangerHint(entryOwner)}`
    )
  }
  return (
    `${described}, whose mode bits allow this step (uid ${user.uid}) to ${need.verb}: something ` +
    'else refuses, such as an immutable or append-only attribute (lsattr), an ACL or a ' +
    'security module.'
  )
}
