// What a failure says: the path once, what was attempted, the system error without Node's
// internal relative argument, and the cause, named: mode bits, another uid's tree, the sticky
// bit, a read-only file system, a file in use.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { errorCode, getErrorMessage } from '../src/errors.js'
import type { Failure } from '../src/failure.js'
import {
  failureHint,
  failureLine,
  modeString,
  systemError,
  type StepUser
} from '../src/failure-text.js'
import { removeTree, tempDir } from '../__fixtures__/tree.js'

const me: StepUser = { uid: 65534, gid: 65534, groups: [65534] }
const PYC = '/w/ro/__pycache__/a.cpython-312.pyc'

const denied = (overrides: Partial<Failure> = {}): Failure => ({
  path: PYC,
  operation: 'remove',
  attempt: 'unlink',
  code: 'EACCES',
  message: "EACCES: permission denied, unlink 'a.cpython-312.pyc'",
  blamed: { path: '/w/ro/__pycache__', uid: 0, gid: 0, mode: 0o040555 },
  entryUid: 0,
  ...overrides
})

/** A real Node.js error from a real system call, to check its message is read as Node words it. */
function realError(call: () => unknown): unknown {
  try {
    call()
  } catch (error) {
    return error
  }
  throw new Error('the call did not fail')
}

describe('systemError', () => {
  it("drops Node's syscall and relative argument from a real error's message", () => {
    const error = realError(() => fs.unlinkSync('no-such-file.pyc'))
    const failure = denied({ code: errorCode(error), message: getErrorMessage(error) })
    expect(failure.message).toContain("unlink 'no-such-file.pyc'")
    expect(systemError(failure)).toBe('ENOENT (no such file or directory)')
  })

  it.each([
    ["EACCES: permission denied, rmdir '../__pycache__'", 'EACCES', 'EACCES (permission denied)'],
    ["EPERM: operation not permitted, unlink 'x.pyc'", 'EPERM', 'EPERM (operation not permitted)'],
    [
      "EBUSY: resource busy or locked, rmdir 'C:\\w\\x'",
      'EBUSY',
      'EBUSY (resource busy or locked)'
    ],
    ["EROFS: read-only file system, unlink 'x'", 'EROFS', 'EROFS (read-only file system)'],
    ['EIO', 'EIO', 'EIO'],
    ['some other words', 'EXDEV', 'EXDEV (some other words)']
  ])('%s → %s', (message, code, text) => {
    expect(systemError(denied({ code, message }))).toBe(text)
  })

  it("is the action's own words when there is no system code", () => {
    const message =
      "it now resolves to '/etc' (a link replaced part of it); nothing removed from it"
    expect(systemError(denied({ code: undefined, message }))).toBe(message)
  })
})

const stat = spawnSync('stat', ['--version']).status === 0 && process.platform === 'linux'
if (!stat) console.log('failure-text.test.ts: no GNU stat(1) to compare modes with; skipped.')
const describeStat = stat ? describe : describe.skip

describeStat('modeString, compared with stat(1) on real files', () => {
  let dir: string
  beforeAll(async () => {
    dir = await tempDir()
  })
  afterAll(async () => {
    await removeTree(dir)
  })
  it.each([0o000, 0o555, 0o755, 0o700, 0o1777, 0o1770, 0o2755, 0o4711, 0o4600, 0o644, 0o751])(
    'mode %o',
    mode => {
      for (const kind of ['dir', 'file'] as const) {
        const p = path.join(dir, `${kind}-${mode.toString(8)}`)
        if (kind === 'dir') fs.mkdirSync(p)
        else fs.writeFileSync(p, '')
        fs.chmodSync(p, mode)
        const shown = spawnSync('stat', ['-c', '%A', p], { encoding: 'utf8' }).stdout.trim()
        expect(modeString(fs.lstatSync(p).mode)).toBe(shown)
        fs.chmodSync(p, 0o700)
      }
    }
  )
})

describe('failureLine', () => {
  it('writes the path once, what was attempted, the error and the cause', () => {
    const line = failureLine(denied(), me)
    expect(line.split(PYC)).toHaveLength(2)
    expect(line).toMatch(
      /^Could not delete file \/w\/ro\/__pycache__\/a\.cpython-312\.pyc: EACCES \(permission denied\)\. /
    )
    expect(line).not.toContain("unlink '")
    expect(line).toContain(
      'Its directory /w/ro/__pycache__ is dr-xr-xr-x, owned by uid 0: its mode bits do not let ' +
        'others, such as this step (uid 65534), delete entries in it.'
    )
    expect(line).toContain('A container step running as root probably created it')
  })

  it.each([
    ['list', 'Could not list directory'],
    ['enter', 'Could not enter directory'],
    ['reach', 'Could not reach'],
    ['unlink', 'Could not delete file'],
    ['rmdir', 'Could not remove directory']
  ] as const)('says what was attempted: %s → %s', (attempt, words) => {
    expect(failureLine(denied({ attempt, code: 'EIO', message: 'EIO' }), me)).toBe(
      `${words} ${PYC}: EIO. The disk or the file system reported an I/O error.`
    )
  })
})

describe('failureHint', () => {
  it("names the mode bits of the step's own directory that refuse it, and how to give them back", () => {
    const locked = denied({
      path: '/w/locked',
      operation: 'read',
      attempt: 'list',
      message: "EACCES: permission denied, scandir '/w/locked'",
      blamed: { path: '/w/locked', uid: 65534, gid: 65534, mode: 0o040000 },
      entryUid: undefined
    })
    const hint = failureHint(locked, me)
    expect(hint).toBe(
      'It is d---------, owned by uid 65534: its mode bits do not let its owner, this step ' +
        '(uid 65534), list it. Give the permission back first (chmod u+rx on it), or exclude it.'
    )
    expect(hint).not.toContain('container')
  })

  it('uses the group bits when the step is in the owning group', () => {
    const blamed = { path: '/w/g', uid: 1000, gid: 121, mode: 0o040750 }
    const inGroup: StepUser = { uid: 1001, gid: 1001, groups: [1001, 121] }
    expect(failureHint(denied({ blamed }), inGroup)).toContain(
      'do not let its group, which this step (uid 1001) is in, delete entries in it'
    )
  })

  it('names the sticky bit when another user owns the file', () => {
    const sticky = denied({
      code: 'EPERM',
      message: "EPERM: operation not permitted, unlink 't.pyc'",
      blamed: { path: '/w/shared/__pycache__', uid: 0, gid: 0, mode: 0o041777 },
      entryUid: 0
    })
    const hint = failureHint(sticky, me)
    expect(hint).toContain('is drwxrwxrwt, owned by uid 0, with the sticky bit')
    expect(hint).toContain('only the owner of a.cpython-312.pyc (uid 0) or of the directory')
    expect(hint).toContain('container step running as root')
  })

  it('says something else refuses when the mode bits allow it (chattr +i, an ACL)', () => {
    const immutable = denied({
      code: 'EPERM',
      blamed: { path: '/w/ro/__pycache__', uid: 65534, gid: 65534, mode: 0o040755 },
      entryUid: 65534
    })
    expect(failureHint(immutable, me)).toContain('immutable or append-only attribute (lsattr)')
  })

  it.each([
    ['EROFS', 'mounted read-only'],
    ['EBUSY', 'in use'],
    ['EIO', 'I/O error']
  ])('%s: %s', (code, words) => {
    expect(failureHint(denied({ code, blamed: undefined }), me)).toContain(words)
  })

  it('has nothing to add for an error it knows no cause of', () => {
    expect(failureHint(denied({ code: 'EXDEV', blamed: undefined }), me)).toBeUndefined()
  })

  it('without uids (Windows) names the usual causes there, not the uid 0 Node.js reports', () => {
    const hint = failureHint(denied(), undefined)
    expect(hint).toContain('another process has it open')
    expect(hint).not.toContain('uid')
  })

  it('blames another user, not a root container step, for a tree that user owns', () => {
    const hint = failureHint(
      denied({ blamed: { path: '/w/ro/__pycache__', uid: 1000, gid: 1000, mode: 0o040555 } }),
      me
    )
    expect(hint).toContain('Another user (uid 1000) owns it')
    expect(hint).not.toContain('container')
  })

  it('does not blame the sticky bit when the step owns the directory, or is root', () => {
    const ownDir = denied({
      code: 'EPERM',
      blamed: { path: '/w/shared/__pycache__', uid: 65534, gid: 65534, mode: 0o041777 },
      entryUid: 0
    })
    expect(failureHint(ownDir, me)).toContain('immutable or append-only attribute')
    const root: StepUser = { uid: 0, gid: 0, groups: [0] }
    const asRoot = denied({
      code: 'EPERM',
      blamed: { path: '/w/shared/__pycache__', uid: 1000, gid: 1000, mode: 0o041777 },
      entryUid: 1000
    })
    expect(failureHint(asRoot, root)).not.toContain('sticky')
    expect(failureHint(asRoot, root)).toContain('immutable or append-only attribute')
  })
})
