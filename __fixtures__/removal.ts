import { removeTargets, type RemoveOptions, type RootResult } from '../src/remove.js'
import type { ScanResult } from '../src/scan.js'

/** A removal's result with the paths `onRemoved` handed out, in order. */
export type ListedResult = RootResult & { readonly removed: readonly string[] }

/**
 * `removeTargets`, also collecting every path it reports through `onRemoved` (the action itself
 * keeps no such list). A caller's own `onRemoved` still runs, after the path is recorded.
 */
export async function removeListing(
  scan: ScanResult,
  options: RemoveOptions
): Promise<ListedResult> {
  const removed: string[] = []
  const result = await removeTargets(scan, {
    ...options,
    onRemoved: p => {
      removed.push(p)
      options.onRemoved?.(p)
    }
  })
  return { ...result, removed }
}
