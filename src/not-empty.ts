import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * Why a directory whose rmdir found it not empty stays. On Windows a file deleted while another
 * process holds it open (with delete sharing) keeps its name until that handle closes: when all
 * that is left is such names, that is the reason, not a file written meanwhile.
 */

export const STILL_OPEN =
  'a file deleted in it is still open in another process, which keeps its name until it ' +
  'closes the file; left in place'
export const NOT_EMPTY = 'not empty when its turn came; left in place'

/**
 * The names unlinked in the directories whose rmdir may still come, innermost last. The walk
 * goes depth-first and removes a directory right after everything below it, so only the
 * directories on the current path can still be removed: the list never outgrows the depth.
 */
export class UnlinkedNames {
  private readonly chain: { readonly dir: string; readonly names: Set<string> }[] = []

  /** Records `name` unlinked in `dir`; drops what no rmdir can follow any more. */
  add(dir: string, name: string): void {
    const { chain } = this
    while (chain.length > 0) {
      const top = chain[chain.length - 1].dir
      if (top === dir || dir.startsWith(top + path.sep)) break
      chain.pop()
    }
    if (chain[chain.length - 1]?.dir !== dir) chain.push({ dir, names: new Set() })
    chain[chain.length - 1].names.add(name)
  }

  /** At the rmdir of `dir`: the names unlinked in it; nothing below it is kept any more. */
  take(dir: string): Set<string> | undefined {
    const { chain } = this
    while (chain.length > 0 && chain[chain.length - 1].dir.startsWith(dir + path.sep)) chain.pop()
    return chain[chain.length - 1]?.dir === dir ? chain.pop()!.names : undefined
  }
}

/** Why `dir` stays after its rmdir found it not empty; `gone`: the names unlinked in it. */
export function notEmptyReason(dir: string, gone: ReadonlySet<string> | undefined): string {
  if (gone === undefined) return NOT_EMPTY
  let left: string[] = []
  try {
    left = fs.readdirSync(dir)
  } catch {
    // Gone meanwhile, or unreadable: the plain reason.
  }
  return left.length > 0 && left.every(name => gone.has(name)) ? STILL_OPEN : NOT_EMPTY
}
