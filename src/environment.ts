import type * as fs from 'node:fs'

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
