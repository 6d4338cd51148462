import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Decides whether a directory is a mount point, which `rmdir` refuses (EBUSY) however empty it
 * is: it stays, in a dry run as in a real run. On Linux from the kernel's own list
 * (`/proc/self/mountinfo`, read once; bind mounts on the same device included); elsewhere by a
 * device number that differs from the parent's. Windows mounts volumes on junctions, which the
 * walk never enters: nothing to decide there.
 */
export function mountPointCheck(
  platform: NodeJS.Platform = process.platform
): (dir: string) => boolean {
  if (platform === 'win32') return () => false
  if (platform === 'linux') {
    let points: Set<string> | undefined
    return dir => (points ??= linuxMountPoints()).has(dir)
  }
  return dir => {
    try {
      return fs.lstatSync(dir).dev !== fs.lstatSync(path.dirname(dir)).dev
    } catch {
      return false
    }
  }
}

/** Mount points of this process's mount namespace; empty when /proc is not there. */
function linuxMountPoints(): Set<string> {
  let text: string
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8')
  } catch {
    return new Set()
  }
  const points = new Set<string>()
  for (const line of text.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw": the 5th field.
    const field = line.split(' ')[4]
    if (field !== undefined) points.add(unescapeOctal(field))
  }
  return points
}

/** The kernel writes space, tab, newline and backslash in a path as `\040`, `\011`, `\012`, `\134`. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8))
  )
}
