// `disk-freed`: what the file system gets back, not the apparent size. Checked on real trees
// with hard links (inside and outside the root), sparse files and small files, dry run against
// real run; and, as root, against the free space a fresh tmpfs reports before and after a real
// run of the bundle (statfs: the kernel's count, nothing of ours).
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { promises as fs, statfsSync } from 'node:fs'
import * as path from 'node:path'
import { cleanListing } from '../__fixtures__/removal.js'
import { runAction } from '../__fixtures__/runner.js'
import { makeTree, tempTrees } from '../__fixtures__/tree.js'

const posix = process.platform !== 'win32'
const describePosix = posix ? describe : describe.skip

const { tree, removeAll } = tempTrees()
const temp = (): Promise<string> => tree({})
afterEach(removeAll)

/** A tree of bytecode whose disk use differs from its size in every way there is. */
async function build(root: string, outside: string): Promise<{ blocks: number; size: number }> {
  await makeTree(root, {
    'pkg/m.py': 'x = 1\n',
    'pkg/twice.py': 'y = 2\n',
    'pkg/__pycache__/plain.cpython-312.pyc': 'p'.repeat(10_000),
    'pkg/__pycache__/tiny.cpython-312.pyc': 't',
    'pkg/__pycache__/linked-out.cpython-312.pyc': 'o'.repeat(20_000),
    'pkg/__pycache__/twice.cpython-312.pyc': 'w'.repeat(30_000),
    'other/__pycache__/.keep': ''
  })
  // Linked from outside the root: removing it frees nothing.
  await fs.link(
    path.join(root, 'pkg/__pycache__/linked-out.cpython-312.pyc'),
    path.join(outside, `${path.basename(root)}.pyc`)
  )
  // Two links, both inside the root and both removed: its blocks are freed once.
  await fs.link(
    path.join(root, 'pkg/__pycache__/twice.cpython-312.pyc'),
    path.join(root, 'pkg/twice.pyc')
  )
  // Sparse: 1 MiB long, a few bytes written.
  const sparse = path.join(root, 'pkg/__pycache__/sparse.cpython-312.pyc')
  await fs.writeFile(sparse, 'sparse')
  await fs.truncate(sparse, 1024 * 1024)
  const st = async (rel: string) => fs.lstat(path.join(root, rel))
  const freed = ['plain', 'tiny', 'twice', 'sparse']
  let blocks = 0
  for (const name of freed) blocks += (await st(`pkg/__pycache__/${name}.cpython-312.pyc`)).blocks
  let size = 0
  for (const name of [...freed, 'linked-out']) {
    size += (await st(`pkg/__pycache__/${name}.cpython-312.pyc`)).size
  }
  size += (await st('pkg/twice.pyc')).size
  return { blocks: blocks * 512, size }
}

describePosix('disk-freed on a real tree', () => {
  it('counts allocated blocks once their last link goes: the same in a dry run and a real run', async () => {
    const [dryRoot, realRoot, outside] = [await temp(), await temp(), await temp()]
    const dryWant = await build(dryRoot, outside)
    const realWant = await build(realRoot, outside)

    const dry = await cleanListing(dryRoot, { dryRun: true })
    const real = await cleanListing(realRoot, { dryRun: false })

    expect(dry.bytesFreed).toBe(dryWant.size)
    expect(dry.diskFreed).toBe(dryWant.blocks)
    expect(real.bytesFreed).toBe(realWant.size)
    expect(real.diskFreed).toBe(realWant.blocks)
    // The hard-linked copy outside the root still has its data.
    const copy = path.join(outside, `${path.basename(realRoot)}.pyc`)
    expect((await fs.readFile(copy, 'utf8')).length).toBe(20_000)
    // More apparent bytes than freed ones here: the sparse file and the outside link.
    expect(real.diskFreed).toBeLessThan(real.bytesFreed)
    expect(real.diskFreed).toBeGreaterThan(0)
  })
})

describePosix('disk-freed over several roots', () => {
  it('counts a file hard-linked from two roots once, when both links go: dry run = real run', async () => {
    const ws = await temp()
    await makeTree(ws, { 'r1/__pycache__/x.cpython-312.pyc': 'x'.repeat(100_000), 'r2/.keep': '' })
    await fs.mkdir(path.join(ws, 'r2', '__pycache__'))
    await fs.link(
      path.join(ws, 'r1/__pycache__/x.cpython-312.pyc'),
      path.join(ws, 'r2/__pycache__/x.cpython-312.pyc')
    )
    const blocks = (await fs.lstat(path.join(ws, 'r1/__pycache__/x.cpython-312.pyc'))).blocks * 512

    const dry = await runAction(ws, { inputs: { path: 'r1\nr2', 'dry-run': 'true' } })
    const real = await runAction(ws, { inputs: { path: 'r1\nr2' } })

    expect(dry.numbers['disk-freed']).toBe(String(blocks))
    expect(real.numbers['disk-freed']).toBe(String(blocks))
    expect(real.numbers['bytes-freed']).toBe('200000')
  })
})

// Root only: mounting a tmpfs. tmpfs gives every file its own pages and directories none, and
// its statfs counts free pages exactly, with no journal or delayed allocation in between.
const canMount =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('mount', ['--version']).status === 0
const describeMount = canMount ? describe : describe.skip
if (!canMount) console.log('disk-freed.test.ts: the tmpfs check needs root on Linux; skipped.')

describeMount('disk-freed against the free space of a tmpfs', () => {
  let mountPoint: string | undefined
  afterEach(() => {
    if (mountPoint !== undefined) execFileSync('umount', [mountPoint])
    mountPoint = undefined
  })

  it('equals what statfs says the real run gave back, and the dry run says so first', async () => {
    const base = await temp()
    mountPoint = path.join(base, 'mnt')
    await fs.mkdir(mountPoint)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint])
    const root = path.join(mountPoint, 'ws')
    const outside = path.join(mountPoint, 'outside')
    await fs.mkdir(root)
    await fs.mkdir(outside)
    await build(root, outside)
    const free = (): number => {
      const s = statfsSync(mountPoint!)
      return s.bfree * s.bsize
    }

    const dry = await runAction(root, { inputs: { 'dry-run': 'true' } })
    const before = free()
    const real = await runAction(root)
    const after = free()

    expect(dry.status).toBe(0)
    expect(real.status).toBe(0)
    expect(real.numbers['disk-freed']).toBe(String(after - before))
    expect(dry.numbers['disk-freed']).toBe(real.numbers['disk-freed'])
    expect(Number(real.numbers['bytes-freed'])).toBeGreaterThan(after - before)
  })
})
