import * as path from 'node:path'

/**
 * PYTHONPYCACHEPREFIX (Python 3.8+): with it set, the import system writes and reads the
 * bytecode of `/src/pkg/m.py` as `PREFIX/src/pkg/m.TAG.pyc`, not in `/src/pkg/__pycache__`
 * (`importlib.util.cache_from_source`). This module maps a directory of such a tree back to the
 * source directory it mirrors, as `source_from_cache` does.
 */
export interface PycachePrefix {
  /** The prefix directory, absolute, without a trailing separator. */
  readonly dir: string
  /**
   * Windows: the drives a mirrored source may be on. The import system drops the drive
   * (`C:\src\m.py` → `PREFIX\src\m.TAG.pyc`), so the same cache path stands for `\src\m.py` on
   * every drive; `\\` stands for a UNC share (`\\server\share\…` → `PREFIX\server\share\…`),
   * tried when the prefix or the workspace is on one. Empty elsewhere.
   */
  readonly drives: readonly string[]
  readonly platform: NodeJS.Platform
}

/**
 * The prefix a `PYTHONPYCACHEPREFIX` value names, or undefined when it is unset or empty (Python
 * ignores an empty one). A relative value is resolved against `cwd`, the directory Python steps
 * start in. On Windows the candidate drives are the prefix's own, `cwd`'s and the system drive.
 */
export function pycachePrefix(
  value: string | undefined,
  cwd: string,
  platform: NodeJS.Platform = process.platform,
  systemDrive = 'C:'
): PycachePrefix | undefined {
  if (value === undefined || value === '') return undefined
  const p = platform === 'win32' ? path.win32 : path.posix
  const stripped = p.resolve(cwd, value).replace(/[\\/]+$/, '')
  // `C:\` stays a drive's root: `C:` alone is that drive's working directory.
  const dir = stripped === '' || /^[A-Za-z]:$/.test(stripped) ? stripped + p.sep : stripped
  if (platform !== 'win32') return { dir, drives: [], platform }
  const drives = [driveOf(dir), driveOf(p.resolve(cwd)), systemDrive].filter(
    (d): d is string => d !== undefined
  )
  // A UNC source (`\\server\share\m.py`) keeps no drive to drop: `PREFIX\server\share\…`.
  const unc = isUnc(dir) || isUnc(p.resolve(cwd)) ? ['\\'] : []
  return { dir, drives: [...new Set(drives.map(d => d.toUpperCase())), ...unc], platform }
}

function isUnc(p: string): boolean {
  return /^[\\/]{2}[^\\/]/.test(p)
}

/** `C:` of `C:\…`; undefined for a UNC path. */
function driveOf(p: string): string | undefined {
  return /^[A-Za-z]:/.exec(p)?.[0]
}

/**
 * The source directories whose bytecode the import system keeps in `dir` when `dir` lies in the
 * prefix tree (one on POSIX, one per candidate drive on Windows); undefined when `dir` is not
 * the prefix or below it. Windows and macOS compare paths without regard to case.
 */
export function mirroredSourceDirs(prefix: PycachePrefix, dir: string): string[] | undefined {
  const win = prefix.platform === 'win32'
  const sep = win ? '\\' : '/'
  // NTFS and (by default) APFS ignore case: a prefix written in another case is the same
  // directory. On a case-sensitive volume this only keeps more, never removes more.
  const nocase = win || prefix.platform === 'darwin'
  // Compared part by part of the original strings: lower-casing can change a string's length
  // (`İ`), so no index into a lower-cased copy may cut the original.
  const same = (a: string, b: string): boolean =>
    a === b || (nocase && a.toLowerCase() === b.toLowerCase())
  const top = prefix.dir.endsWith(sep) ? prefix.dir : prefix.dir + sep
  let rest: string
  if (same(dir, prefix.dir) || same(dir + sep, top)) rest = ''
  else if (dir.length > top.length && same(dir.slice(0, top.length), top)) {
    rest = dir.slice(top.length)
  } else return undefined
  if (!win) return ['/' + rest]
  return prefix.drives.map(drive => (drive === '\\' ? `\\\\${rest}` : `${drive}\\${rest}`))
}
