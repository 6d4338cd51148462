import { promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/**
 * A tree described as data. Keys are `/`-separated paths relative to the tree's root:
 * - a string value is a file with that content;
 * - `null` is an empty directory;
 * - `{ link: target }` is a symlink (target written as given, relative or absolute).
 */
export type TreeSpec = Record<string, string | null | { link: string }>

/** Creates a fresh temporary directory (real path, so macOS /var → /private/var cannot bite). */
export async function tempDir(prefix = 'pyclean-test-'): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)))
}

/**
 * The environment for a tool a test starts (jest, tsx, npm): TMPDIR back to the system's, where
 * such tools keep their caches. A test run has a TMPDIR of its own that must be empty at its
 * end (__fixtures__/temp-setup.ts).
 */
export function toolEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, TMPDIR: env.PYCLEAN_SYSTEM_TMPDIR ?? os.tmpdir() }
}

/** Writes `spec` under `root`, creating parent directories as needed. */
export async function makeTree(root: string, spec: TreeSpec): Promise<void> {
  for (const [rel, value] of Object.entries(spec)) {
    const abs = path.join(root, ...rel.split('/'))
    if (value === null) {
      await fs.mkdir(abs, { recursive: true })
      continue
    }
    await fs.mkdir(path.dirname(abs), { recursive: true })
    if (typeof value === 'string') await fs.writeFile(abs, value)
    else await fs.symlink(value.link, abs)
  }
}

/**
 * Every entry below `root`, as sorted `/`-separated relative paths; directories end in `/`,
 * symlinks in `@`. Links are not followed.
 */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name
      if (entry.isSymbolicLink()) out.push(`${r}@`)
      else if (entry.isDirectory()) {
        out.push(`${r}/`)
        await walk(path.join(dir, entry.name), r)
      } else out.push(r)
    }
  }
  await walk(root, '')
  return out.sort()
}

/** Removes a temporary tree, restoring permissions a test may have taken away. */
export async function removeTree(root: string): Promise<void> {
  const restore = async (dir: string): Promise<void> => {
    await fs.chmod(dir, 0o755).catch(() => undefined)
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [])
    for (const e of entries) if (e.isDirectory()) await restore(path.join(dir, e.name))
  }
  await restore(root)
  await fs.rm(root, { recursive: true, force: true })
}

/** Fresh temporary trees for the tests of one file; `removeAll` goes in its `afterEach`. */
export interface TempTrees {
  /** A fresh tree; with `name` (`/`-separated), it is built in a subdirectory of that name. */
  tree(spec: TreeSpec, name?: string): Promise<string>
  /** Removes every tree made so far. */
  removeAll(): Promise<void>
}

export function tempTrees(): TempTrees {
  let dirs: string[] = []
  return {
    async tree(spec, name) {
      const dir = await tempDir()
      dirs.push(dir)
      const root = name === undefined ? dir : path.join(dir, ...name.split('/'))
      await fs.mkdir(root, { recursive: true })
      await makeTree(root, spec)
      return root
    },
    async removeAll() {
      for (const dir of dirs) await removeTree(dir)
      dirs = []
    }
  }
}
