import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/**
 * The pyenv CPythons of this machine (`~/.pyenv/versions/X.Y.Z/bin/python`: 2.7 and 3.6–3.13 on
 * these machines), oldest first, those at least `min` (`[3, 7]`) when given.
 */
export function pyenvPythons(min?: readonly [number, number]): string[] {
  const base = path.join(os.homedir(), '.pyenv', 'versions')
  if (!existsSync(base)) return []
  const version = (v: string): number[] => v.split('.').map(Number)
  return readdirSync(base)
    .filter(v => /^\d+\.\d+\.\d+$/.test(v))
    .sort((a, b) => {
      const [x, y] = [version(a), version(b)]
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
    })
    .filter(v => {
      if (min === undefined) return true
      const [major, minor] = version(v)
      return major > min[0] || (major === min[0] && minor >= min[1])
    })
    .map(v => path.join(base, v, 'bin', 'python'))
    .filter(existsSync)
}

/** `python3` when it runs, then the pyenv CPythons (at least `min`). */
export function pythons(min?: readonly [number, number]): string[] {
  const python3 = spawnSync('python3', ['--version']).status === 0 ? ['python3'] : []
  return [...python3, ...pyenvPythons(min)]
}

/**
 * The tests' environment with bytecode writing on (this machine exports
 * PYTHONDONTWRITEBYTECODE=1), and `extra` over it: a variable set to undefined there is unset.
 */
export function writingEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  delete env.PYTHONDONTWRITEBYTECODE
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name]
  return env
}
