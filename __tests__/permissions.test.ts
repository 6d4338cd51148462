// Permissions (issue #3): the committed dist/index.js, run as the runner runs it (see
// __fixtures__/runner.ts), on real trees with unreadable and unwritable parts.
//
// Permissions do not apply to root, and these tests run as root on CI: there the action runs as
// `nobody` (through setpriv), never skipped. Run by another user (a developer's machine), the
// action runs as that user, and what root would own is owned by that user instead.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { action } from '../__fixtures__/action.js'
import {
  blocksOf,
  diskFrom,
  expectedFrom,
  without,
  type Expected
} from '../__fixtures__/expected.js'
import { runAction, withoutCommands, type Run } from '../__fixtures__/runner.js'
import { listTree, makeTree, removeTree, tempDir, type TreeSpec } from '../__fixtures__/tree.js'

interface Ids {
  readonly uid: number
  readonly gid: number
}

// Windows has no mode bits or uids: fs.chmod only toggles the read-only attribute, so a
// directory can be made neither unreadable nor unwritable this way (that takes ACLs), chown is
// a no-op, and there is no setpriv. Nothing below can be expressed there.
const posix = process.platform !== 'win32'
const describePosix = posix ? describe : describe.skip

const isRoot = posix && process.getuid?.() === 0
const describeAsRoot = isRoot ? describe : describe.skip

function idOf(user: string, flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim())
}

/** Who runs the action: `nobody` when the tests are root, else the tests' own user. */
const actor: Ids | undefined = !posix
  ? undefined
  : isRoot
    ? { uid: idOf('nobody', '-u'), gid: idOf('nobody', '-g') }
    : { uid: process.getuid!(), gid: process.getgid!() }

/**
 * Owner of what the actor must not write: root, as a container step leaves it. Without root
 * nothing can be given away, so it is the actor itself (mode bits still refuse the write).
 */
const stranger: Ids | undefined = isRoot ? { uid: 0, gid: 0 } : actor

/** The container hint failureLine adds when the owner is not the user running the step. */
const CONTAINER_HINT = 'container step running as root'

// ---------------------------------------------------------------------------------------------
// The tree, in parts whose fate differs. Sizes are distinct so a wrong sum cannot come out right.

/** Bytecode in directories the actor owns and may write: removed. */
const cleanable: TreeSpec = {
  'pkg/__pycache__/__init__.cpython-312.pyc': 'a'.repeat(1000),
  'pkg/__pycache__/mod.cpython-312.opt-1.pyc': 'b'.repeat(700),
  'pkg/sub/__pycache__/deep.cpython-311.pyc': 'c'.repeat(333),
  'legacy.pyc': 'd'.repeat(120)
}

/** A read-only (0444) `.pyc` in a writable directory the actor owns: removed, no error. */
const READ_ONLY_FILE = 'frozen/__pycache__/ice.cpython-312.pyc'
const readOnly: TreeSpec = { [READ_ONLY_FILE]: 'e'.repeat(64) }

/** A directory nobody may list (mode 000), owned by the actor: one read error, contents kept. */
const LOCKED = 'locked'
const unreadable: TreeSpec = {
  [`${LOCKED}/__pycache__/x.cpython-312.pyc`]: 'f'.repeat(50),
  [`${LOCKED}/x.py`]: 'x = 0\n'
}

/** A `__pycache__` owned by root, mode 0555: its files are listed but cannot be unlinked. */
const UNWRITABLE_DIR = 'ro/__pycache__'
const unwritable: TreeSpec = {
  [`${UNWRITABLE_DIR}/a.cpython-312.pyc`]: 'g'.repeat(21),
  [`${UNWRITABLE_DIR}/b.cpython-312.pyc`]: 'h'.repeat(13)
}

/** A writable `__pycache__` inside a root-owned 0555 directory: emptied, but cannot go. */
const SHUT_PARENT = 'shut'
const shutIn: TreeSpec = {
  [`${SHUT_PARENT}/__pycache__/s.cpython-312.pyc`]: 'i'.repeat(77)
}

/**
 * A root-owned `.pyc` in a root-owned, world-writable sticky (1777) `__pycache__`, as in /tmp:
 * the directory is writable, but only the file's owner may unlink it (EPERM).
 */
const STICKY_DIR = 'shared/__pycache__'
const sticky: TreeSpec = { [`${STICKY_DIR}/t.cpython-312.pyc`]: 'j'.repeat(5) }

/**
 * A `__pycache__` the actor may list but not enter (0644): the walk reads its names, the remover
 * cannot reach them. Each file left is an error of its own.
 */
const DARK_DIR = 'dark/__pycache__'
const unsearchable: TreeSpec = {
  [`${DARK_DIR}/u.cpython-312.pyc`]: 'k'.repeat(31),
  [`${DARK_DIR}/v.cpython-312.pyc`]: 'l'.repeat(17)
}

/** Source beside the bytecode: never touched. */
const source: TreeSpec = {
  'pkg/__init__.py': '',
  'pkg/mod.py': 'x = 1\n',
  'pkg/sub/deep.py': 'y = 2\n',
  'legacy.py': 'z = 3\n',
  'frozen/ice.py': 'ice = True\n',
  'ro/a.py': 'a = 1\n',
  'shut/s.py': 's = 1\n'
}

/** Part of a tree: its entries, who owns what, and the modes to take away. */
interface Part {
  readonly spec: TreeSpec
  /** Paths (each alone, not what is below) chowned to `stranger`; the rest belongs to `actor`. */
  readonly strangerOwns?: readonly string[]
  /** Modes set last, in order. */
  readonly modes?: readonly (readonly [rel: string, mode: number])[]
}

const parts = {
  cleanable: { spec: cleanable },
  readOnly: { spec: readOnly, modes: [[READ_ONLY_FILE, 0o444]] },
  unreadable: { spec: unreadable, modes: [[LOCKED, 0o000]] },
  unwritable: {
    spec: unwritable,
    strangerOwns: [UNWRITABLE_DIR, ...Object.keys(unwritable)],
    modes: [[UNWRITABLE_DIR, 0o555]]
  },
  shutIn: { spec: shutIn, strangerOwns: [SHUT_PARENT], modes: [[SHUT_PARENT, 0o555]] },
  sticky: {
    spec: sticky,
    strangerOwns: [STICKY_DIR, ...Object.keys(sticky)],
    modes: [[STICKY_DIR, 0o1777]]
  },
  unsearchable: { spec: unsearchable, modes: [[DARK_DIR, 0o644]] },
  source: { spec: source }
} satisfies Record<string, Part>

/** One failure the action must report: which path, and whether it was a read or a removal. */
interface ExpectedFailure {
  readonly rel: string
  readonly operation: 'read' | 'remove'
  /** What the warning says was attempted. */
  readonly attempted: 'list directory' | 'delete file' | 'remove directory' | 'reach'
  /** The blamed directory's mode bits, as the hint must show them. */
  readonly mode: string
  /** The system error the warning must give. */
  readonly code: 'EACCES' | 'EPERM'
  /** The directory whose owner the warning names, and that owner. */
  readonly blamed: string
  readonly owner: Ids
}

/** The failures of a real run on a tree holding `unreadable` and `unwritable`. */
const lockedFailure = (): ExpectedFailure => ({
  rel: LOCKED,
  operation: 'read',
  attempted: 'list directory',
  mode: 'd---------',
  code: 'EACCES',
  blamed: LOCKED,
  owner: actor!
})
const unwritableFailures = (): ExpectedFailure[] =>
  Object.keys(unwritable).map(rel => ({
    rel,
    operation: 'remove',
    attempted: 'delete file',
    mode: 'dr-xr-xr-x',
    code: 'EACCES',
    blamed: UNWRITABLE_DIR,
    owner: stranger!
  }))

// ---------------------------------------------------------------------------------------------
// Helpers.

let work: string

/** Whether every directory from `dir` up to `/` lets others through (the actor is "others"). */
async function assertTraversable(dir: string): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    const { mode } = await fs.stat(d)
    if ((mode & 0o001) === 0) {
      throw new Error(
        `${d} (mode ${(mode & 0o7777).toString(8)}) cannot be traversed by uid ${actor!.uid}; ` +
          `set TMPDIR to a directory every user can reach, for example /tmp.`
      )
    }
    if (path.dirname(d) === d) return
  }
}

/** chown -R, without following links. */
async function chownTree(p: string, ids: Ids): Promise<void> {
  await fs.lchown(p, ids.uid, ids.gid)
  if (!(await fs.lstat(p)).isDirectory()) return
  for (const entry of await fs.readdir(p)) await chownTree(path.join(p, entry), ids)
}

const abs = (root: string, rel: string): string => path.join(root, ...rel.split('/'))

/**
 * Writes the parts under a fresh workspace in `work`, hands it to the actor (as root), then
 * gives the strangers' paths to `stranger` and takes the modes away. Returns the root and its
 * listing before any mode was taken away.
 */
async function build(
  ...tree: Part[]
): Promise<{ root: string; before: string[]; blocks: Map<string, number> }> {
  const root = await fs.mkdtemp(path.join(work, 'ws-'))
  await fs.chmod(root, 0o755)
  for (const part of tree) await makeTree(root, part.spec)
  const before = await listTree(root)
  const blocks = await blocksOf(root)
  if (isRoot) {
    await chownTree(root, actor!)
    for (const part of tree) {
      for (const rel of part.strangerOwns ?? []) {
        await fs.lchown(abs(root, rel), stranger!.uid, stranger!.gid)
      }
    }
  }
  for (const part of tree) {
    for (const [rel, mode] of part.modes ?? []) await fs.chmod(abs(root, rel), mode)
  }
  return { root, before, blocks }
}

/** Runs the bundle on `root` as the actor, scratch files kept under this test's temp dir. */
function run(
  root: string,
  inputs: Record<string, string> = {},
  options: { readOnlyRunnerTemp?: boolean } = {}
): Promise<Run> {
  return runAction(root, {
    inputs,
    scratch: work,
    ...options,
    ...(isRoot ? { user: actor! } : {})
  })
}

/** The data of a workflow command, unescaped as the runner does (@actions/core escapeData). */
function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** The messages of the `::kind::` commands (annotations) the run printed, in order. */
function annotations(result: Run, kind: 'warning' | 'error'): string[] {
  const prefix = new RegExp(`^::${kind}(?: [^:]*)?::`)
  return result.commands.filter(c => prefix.test(c)).map(c => unescapeData(c.replace(prefix, '')))
}

/** Where the run stopped, with its log and stderr (workflow commands filtered out). */
function exit(result: Run): { status: number | null; log: string; stderr: string } {
  return { status: result.status, log: result.log, stderr: withoutCommands(result.stderr) }
}

const outputsOf = (
  e: Expected,
  errors: number,
  blocks: ReadonlyMap<string, number>
): Record<string, string> => ({
  'files-removed': String(e.files),
  'dirs-removed': String(e.dirs),
  'bytes-freed': String(e.bytes),
  'disk-freed': String(diskFrom(e, blocks)),
  'tracked-files': '0',
  errors: String(errors)
})

/**
 * Checks one warning per expected failure, in any order: the path written once, what was
 * attempted, the error code, the blamed directory with its mode bits and owner, and the
 * container hint exactly when someone else owns it.
 */
function expectWarnings(result: Run, root: string, failures: readonly ExpectedFailure[]): void {
  const warnings = annotations(result, 'warning')
  expect(warnings).toHaveLength(failures.length)
  for (const failure of failures) {
    const p = abs(root, failure.rel)
    const matching = warnings.filter(w => w.startsWith(`Could not ${failure.attempted} ${p}: `))
    expect({ path: failure.rel, matching }).toEqual({
      path: failure.rel,
      matching: [expect.stringContaining(`: ${failure.code} (`)]
    })
    const [warning] = matching
    expect({ path: failure.rel, times: warning.split(p).length - 1 }).toEqual({
      path: failure.rel,
      times: 1
    })
    // No internal syscall argument (`unlink 'x.pyc'`, `rmdir '../__pycache__'`).
    expect(warning).not.toMatch(/(unlink|rmdir|scandir|opendir) '/)
    const subject = failure.blamed === failure.rel ? 'It' : abs(root, failure.blamed)
    expect(warning).toContain(`${subject} is ${failure.mode}, owned by uid ${failure.owner.uid}`)
    expect(warning).toContain(`uid ${actor!.uid}`)
    // The hint blames a root container step: only right when someone else owns the directory.
    expect({ path: failure.rel, hint: warning.includes(CONTAINER_HINT) }).toEqual({
      path: failure.rel,
      hint: failure.owner.uid !== actor!.uid
    })
  }
}

/** The mode bits and owner of `rel`, to check the action forced nothing open. */
async function modeAndOwner(root: string, rel: string): Promise<{ mode: string; uid: number }> {
  const stats = await fs.lstat(abs(root, rel))
  return { mode: (stats.mode & 0o7777).toString(8), uid: stats.uid }
}

/** Lets the tests' user list `locked` again (root needs it not; another user does). */
async function unlock(root: string): Promise<void> {
  await fs.chmod(abs(root, LOCKED), 0o755)
}

beforeEach(async () => {
  if (!posix) return
  work = await tempDir('pyclean-perm-')
  await fs.chmod(work, 0o755)
  if (isRoot) await assertTraversable(work)
})

afterEach(async () => {
  if (!posix) return
  await removeTree(work)
})

// ---------------------------------------------------------------------------------------------

describePosix(
  `dist/index.js run as ${isRoot ? 'nobody (the tests are root)' : "the tests' user"}`,
  () => {
    it('counts an unreadable (000) directory as one error, warns with its path and EACCES, and cleans the rest', async () => {
      const { root, before, blocks } = await build(parts.cleanable, parts.unreadable, parts.source)
      const expected = expectedFrom(cleanable, { ...unreadable, ...source })

      const result = await run(root)

      expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
      expect(result.numbers).toEqual(outputsOf(expected, 1, blocks))
      expectWarnings(result, root, [lockedFailure()])
      expect(annotations(result, 'error')).toEqual([])

      expect(await modeAndOwner(root, LOCKED)).toEqual({ mode: '0', uid: actor!.uid })
      // Root reads through mode 000; another user needs the mode back first.
      if (!isRoot) await unlock(root)
      const after = await listTree(root)
      expect(after).toEqual(without(before, cleanable, expected))
      expect(after).toEqual(expect.arrayContaining(Object.keys(unreadable)))
      const content = await fs.readFile(abs(root, Object.keys(unreadable)[0]), 'utf8')
      expect(content).toBe(Object.values(unreadable)[0])
    })

    it('cannot remove a file whose directory is not writable: an error naming the file, EACCES, the owner (and, owned by root, the container hint); the __pycache__ stays', async () => {
      const { root, before, blocks } = await build(parts.cleanable, parts.unwritable, parts.source)
      const expected = expectedFrom(cleanable, { ...unwritable, ...source })

      const result = await run(root)

      expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
      expect(result.numbers).toEqual(outputsOf(expected, Object.keys(unwritable).length, blocks))
      expect(expected.removedDirs).not.toContain(UNWRITABLE_DIR)
      expectWarnings(result, root, unwritableFailures())
      expect(result.log).toContain(
        `Kept ${abs(root, UNWRITABLE_DIR)}: some of its contents could not be removed`
      )

      expect(await modeAndOwner(root, UNWRITABLE_DIR)).toEqual({ mode: '555', uid: stranger!.uid })
      const after = await listTree(root)
      expect(after).toEqual(without(before, cleanable, expected))
      expect(after).toEqual(
        expect.arrayContaining([`${UNWRITABLE_DIR}/`, ...Object.keys(unwritable)])
      )
    })

    it('counts each file of a directory it can list but not enter as an error of its own, named after the file', async () => {
      const { root, before, blocks } = await build(
        parts.cleanable,
        parts.unsearchable,
        parts.source
      )
      const expected = expectedFrom(cleanable, { ...unsearchable, ...source })

      const result = await run(root)

      expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
      expect(result.numbers).toEqual(outputsOf(expected, Object.keys(unsearchable).length, blocks))
      expectWarnings(
        result,
        root,
        Object.keys(unsearchable).map(rel => ({
          rel,
          operation: 'remove',
          attempted: 'reach',
          mode: 'drw-r--r--',
          code: 'EACCES',
          blamed: DARK_DIR,
          owner: actor!
        }))
      )
      expect(result.log).toContain(
        `Kept ${abs(root, DARK_DIR)}: some of its contents could not be removed`
      )
      await fs.chmod(abs(root, DARK_DIR), 0o755)
      expect(await listTree(root)).toEqual(without(before, cleanable, expected))
    })

    it('empties a writable __pycache__ inside a directory it cannot write, and reports the rmdir it could not do', async () => {
      const { root, before, blocks } = await build(parts.shutIn, parts.source)
      const all = expectedFrom(shutIn, source)
      const pycache = `${SHUT_PARENT}/__pycache__`
      expect(all.removedDirs).toEqual([pycache])
      // The files go; their directory cannot.
      const expected: Expected = { ...all, dirs: 0, removedDirs: [] }

      const result = await run(root)

      expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
      expect(result.numbers).toEqual(outputsOf(expected, 1, blocks))
      expectWarnings(result, root, [
        {
          rel: pycache,
          operation: 'remove',
          attempted: 'remove directory',
          mode: 'dr-xr-xr-x',
          code: 'EACCES',
          blamed: SHUT_PARENT,
          owner: stranger!
        }
      ])
      const after = await listTree(root)
      expect(after).toEqual(without(before, shutIn, expected))
      expect(after).toContain(`${pycache}/`)
    })

    // A recursive delete (fs.rm, as @actions/io's rmRF) meets unlink's EPERM here by trying the
    // path as a directory and reports "ENOTDIR … scandir": the wrong error, with no owner or
    // container hint. Files are removed with a single unlink, which reports EPERM.
    // Only root can give a file to another user: without root this case cannot be built.
    describeAsRoot("another user's file in a sticky (1777) directory", () => {
      it('cannot be removed: an error naming the file, EPERM and the owner', async () => {
        const { root, before, blocks } = await build(parts.sticky, parts.cleanable, parts.source)
        const expected = expectedFrom(cleanable, { ...sticky, ...source })

        const result = await run(root)

        expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
        expect(result.numbers).toEqual(outputsOf(expected, Object.keys(sticky).length, blocks))
        expectWarnings(
          result,
          root,
          Object.keys(sticky).map(rel => ({
            rel,
            operation: 'remove',
            attempted: 'delete file',
            mode: 'drwxrwxrwt',
            code: 'EPERM',
            blamed: STICKY_DIR,
            owner: stranger!
          }))
        )
        expect(await listTree(root)).toEqual(without(before, cleanable, expected))
      })
    })

    it('removes a read-only (0444) .pyc in a writable directory, with no error (as on Windows runners)', async () => {
      const { root, before, blocks } = await build(parts.readOnly, parts.source)
      const expected = expectedFrom(readOnly, source)
      expect(await modeAndOwner(root, READ_ONLY_FILE)).toEqual({ mode: '444', uid: actor!.uid })

      const result = await run(root)

      expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
      expect(result.numbers).toEqual(outputsOf(expected, 0, blocks))
      expect(expected).toMatchObject({ files: 1, dirs: 1 })
      expect(annotations(result, 'warning')).toEqual([])
      expect(annotations(result, 'error')).toEqual([])
      expect(await listTree(root)).toEqual(without(before, readOnly, expected))
    })

    describe('with an unreadable directory, an unwritable __pycache__ and a read-only .pyc', () => {
      const tree = [
        parts.cleanable,
        parts.readOnly,
        parts.unreadable,
        parts.unwritable,
        parts.source
      ]
      const gone = { ...cleanable, ...readOnly }
      const expected = expectedFrom(gone, { ...unreadable, ...unwritable, ...source })
      const failures = (): ExpectedFailure[] => [lockedFailure(), ...unwritableFailures()]

      it("with 'fail-on-error: false' passes, warns once per failed path, and sets every output", async () => {
        const { root, before, blocks } = await build(...tree)

        const result = await run(root, { 'fail-on-error': 'false' })

        expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
        expect(Object.keys(result.outputs).sort()).toEqual(Object.keys(action.outputs).sort())
        expect(result.numbers).toEqual(outputsOf(expected, failures().length, blocks))
        expectWarnings(result, root, failures())
        // The report lists each failure with its path and error, as the warnings do.
        const report = result.report as { failures: { path: string; code: string }[] }
        expect(report.failures.map(f => [path.relative(root, f.path), f.code]).sort()).toEqual(
          failures()
            .map(f => [f.rel, f.code])
            .sort()
        )
        expect(annotations(result, 'error')).toEqual([])
        expect(result.summary).toContain(`### Failures (${failures().length})`)

        await unlock(root)
        expect(await listTree(root)).toEqual(without(before, gone, expected))
      })

      it("with 'fail-on-error: true' sets every output, then fails once with a message counting the failures", async () => {
        const { root, before, blocks } = await build(...tree)
        const count = failures().length
        expect(count).toBeGreaterThan(1)

        const result = await run(root, { 'fail-on-error': 'true' })

        expect(exit(result)).toEqual({ status: 1, log: expect.any(String), stderr: '' })
        expect(result.numbers).toEqual(outputsOf(expected, count, blocks))
        expectWarnings(result, root, failures())
        const errors = annotations(result, 'error')
        expect(errors).toEqual([
          expect.stringMatching(new RegExp(`^${count} entries could not be removed or read\\b`))
        ])
        expect(errors[0]).toContain("'fail-on-error'")
        // The summary says first that the step failed, and why.
        expect(result.summary).toMatch(
          new RegExp(
            `^## pyclean\\n\\n<p><strong>This step failed</strong> because <code>fail-on-error</code> is true: ${count} entries could not be removed or read\\.</p>`
          )
        )
        // After the warnings it refers to: the last command the step printed.
        const kinds = result.commands.map(c => /^::([\w-]+)/.exec(c)?.[1])
        expect(kinds.lastIndexOf('error')).toBe(kinds.length - 1)
        expect(kinds.lastIndexOf('warning')).toBeLessThan(kinds.length - 1)

        await unlock(root)
        expect(await listTree(root)).toEqual(without(before, gone, expected))
      })

      it('in a dry run still errors on the unreadable directory, but not on the unwritable file: nothing is removed, so that file counts as would-be-removed', async () => {
        const { root, before, blocks } = await build(...tree)
        const dryGone = { ...gone, ...unwritable }
        const dry = expectedFrom(dryGone, { ...unreadable, ...source })
        expect(dry.removedDirs).toContain(UNWRITABLE_DIR)

        const result = await run(root, { 'dry-run': 'true', 'fail-on-error': 'false' })

        expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
        expect(result.numbers).toEqual(outputsOf(dry, 1, blocks))
        expectWarnings(result, root, [lockedFailure()])
        expect(annotations(result, 'error')).toEqual([])
        expect(result.summary).toContain('Dry run: nothing was deleted.')

        expect(await modeAndOwner(root, LOCKED)).toEqual({ mode: '0', uid: actor!.uid })
        await unlock(root)
        expect(await listTree(root)).toEqual(before)
      })
    })

    describe('with 60 files it cannot delete (more than GitHub shows as annotations)', () => {
      const many: TreeSpec = Object.fromEntries(
        Array.from({ length: 60 }, (_, i) => [
          `${UNWRITABLE_DIR}/m${String((i * 7) % 60).padStart(2, '0')}.cpython-312.pyc`,
          'x'
        ])
      )
      const part: Part = {
        spec: many,
        strangerOwns: [UNWRITABLE_DIR, ...Object.keys(many)],
        modes: [[UNWRITABLE_DIR, 0o555]]
      }

      it('warns 9 times, then once with how many more and where; the log group, summary and report have them sorted', async () => {
        const { root } = await build(part, parts.source)
        const result = await run(root)

        expect(exit(result)).toEqual({ status: 0, log: expect.any(String), stderr: '' })
        expect(result.numbers.errors).toBe('60')
        const sorted = Object.keys(many)
          .map(rel => abs(root, rel))
          .sort()
        const warnings = annotations(result, 'warning')
        // GitHub shows 10 per step: 9 failures, and the 10th says where the rest are.
        expect(warnings).toHaveLength(10)
        expect(warnings.slice(0, 9).map(w => w.split(': ')[0])).toEqual(
          sorted.slice(0, 9).map(p => `Could not delete file ${p}`)
        )
        const report = result.report as { failures: { path: string }[]; version: number }
        expect(warnings[9]).toBe(
          '51 more failures are not shown as annotations (GitHub shows 10 per step). All 60 are ' +
            "in the log group 'Failures (60)', the first 50 in the job summary, and in the " +
            `report file ${result.outputs.report}.`
        )
        // The log group lists all 60, in order.
        const group = result.commands.indexOf('::group::Failures (60)')
        expect(group).toBeGreaterThan(-1)
        const logLines = result.log.split('\n').filter(l => l.startsWith('Could not delete file '))
        expect(logLines.map(l => l.split(': ')[0])).toEqual(
          sorted.map(p => `Could not delete file ${p}`)
        )
        expect(report.failures.map(f => f.path)).toEqual(sorted)
        expect(result.summary).toContain('### Failures (60)')
        expect(result.summary).toContain('…and 10 more')
      })
    })

    it('fails with a message naming the report file and the fix when RUNNER_TEMP is not writable', async () => {
      const { root, before } = await build(parts.cleanable, parts.source)
      const result = await run(root, {}, { readOnlyRunnerTemp: true })

      expect(result.status).toBe(1)
      const [error] = annotations(result, 'error')
      expect(error).toMatch(
        new RegExp(
          `^Could not create the report file ${result.runnerTemp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/pyclean-report-main-\\S+\\.json: EACCES \\(permission denied\\)\\. `
        )
      )
      expect(error).toContain('make RUNNER_TEMP a directory it owns')
      expect(await listTree(root)).toEqual(before)
    })

    it("a '**' path line that must cross an unreadable directory fails with a clear message", async () => {
      const { root, before } = await build(parts.cleanable, parts.unreadable, parts.source)
      const result = await run(root, { path: '**/__pycache__' })

      expect(result.status).toBe(1)
      const [error] = annotations(result, 'error')
      expect(error).toBe(
        `Input 'path' has the line '**/__pycache__', and expanding it needs to list ` +
          `${abs(root, LOCKED)}, which failed: EACCES (permission denied). Give this step read ` +
          "access to it, or use a pattern that does not cross it (a '**' crosses every " +
          'directory below).'
      )
      if (!isRoot) await unlock(root)
      expect(await listTree(root)).toEqual(before)
    })

    it('writes the report failures without the internal syscall argument', async () => {
      const { root } = await build(parts.unwritable, parts.source)
      const result = await run(root)
      const report = result.report as { failures: { message: string; hint: string }[] }
      expect(report.failures.map(f => f.message)).toEqual([
        'EACCES (permission denied)',
        'EACCES (permission denied)'
      ])
      expect(report.failures[0].hint).toContain('dr-xr-xr-x')
    })
  }
)
