import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Decides whether a directory is a Python environment, from its listing alone (no extra system
 * call): a virtual environment holds a `pyvenv.cfg` file (venv, virtualenv, uv), a conda, mamba
 * or pixi environment a `conda-meta/` directory. The standard library's own `venv` package holds
 * neither, so it is cleaned like any package.
 */
export function isEnvironment(listing: readonly fs.Dirent[]): boolean {
  return listing.some(isEnvironmentMarker)
}

function isEnvironmentMarker(entry: fs.Dirent): boolean {
  if (entry.name === 'pyvenv.cfg') return !entry.isDirectory()
  if (entry.name === 'conda-meta') return entry.isDirectory()
  return false
}

/**
 * The cache tag of the interpreter a virtual environment names in its `pyvenv.cfg` text
 * (`version_info` from virtualenv and uv, `version` from venv; `implementation` where present):
 * `cpython-312`. Undefined when it names no version, or another implementation than CPython.
 */
export function environmentTag(cfg: string): string | undefined {
  const values = new Map<string, string>()
  for (const line of cfg.split(/\r?\n/)) {
    const m = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (m) values.set(m[1].toLowerCase(), m[2])
  }
  const implementation = values.get('implementation')
  if (implementation !== undefined && implementation.toLowerCase() !== 'cpython') return undefined
  const version = /^(\d+)\.(\d+)/.exec(values.get('version_info') ?? values.get('version') ?? '')
  return version === null ? undefined : `cpython-${version[1]}${version[2]}`
}

/** `environmentTag` of the `pyvenv.cfg` in `dir`; undefined when it cannot be read. */
export function readEnvironmentTag(dir: string): string | undefined {
  try {
    return environmentTag(fs.readFileSync(path.join(dir, 'pyvenv.cfg'), 'utf8'))
  } catch {
    return undefined
  }
}

/**
 * `environmentTag` of the nearest virtual environment that holds `dir` (a root below one:
 * `path: .venv/lib/python3.12/site-packages`), looking at `dir`'s parents only; undefined when
 * none of them has a readable `pyvenv.cfg`.
 */
export function enclosingEnvironmentTag(dir: string): string | undefined {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'pyvenv.cfg'))) return readEnvironmentTag(d)
    if (path.dirname(d) === d) return undefined
  }
}
