import * as fs from 'node:fs'

/**
 * Which directory a path named when the walk read it: its volume (`dev`) and file index
 * (`ino`), exact as bigints (on Windows, the volume serial number and the 64-bit file ID). On
 * Windows, where nothing is entered, it is how the remover knows a directory is still the one
 * the walk read.
 */
export interface Identity {
  readonly dev: bigint
  readonly ino: bigint
}

/** The `Identity` of the directory at `p` (not through a link); undefined when it is gone. */
export function identityOf(p: string): Identity | undefined {
  try {
    const { dev, ino } = fs.lstatSync(p, { bigint: true })
    return { dev, ino }
  } catch {
    return undefined
  }
}

export function sameIdentity(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino
}

/**
 * What the directory at `dir` has become since the walk saw it as `seen`, in words that follow
 * "it …"; undefined while it is still that directory. Throws the lstat's error (gone, or not
 * reachable).
 */
export function directoryChange(dir: string, seen: Identity | undefined): string | undefined {
  const now = fs.lstatSync(dir, { bigint: true })
  if (now.isSymbolicLink()) return 'is now a link or a junction'
  if (!now.isDirectory()) return 'is no longer a directory'
  if (seen === undefined) return 'could not be identified when the walk read it'
  if (!sameIdentity(now, seen)) {
    return 'is another directory than the one the walk read (a link or junction above it changed)'
  }
  return undefined
}
