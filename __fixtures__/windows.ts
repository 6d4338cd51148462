// Windows Node under Wine (issue 14): which Windows builds of Node can run the bundle here, or why
// none can. The builds are fetched and checked by scripts/windows-node.mjs (pinned versions,
// checksums, Node 24's one-name patch) into the system's temporary directory.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { WINE, wineEnv } from './runner.js'

const SCRIPT = fileURLToPath(new URL('../scripts/windows-node.mjs', import.meta.url))

/** The Windows Node builds to run, by label, or the one-line reason there are none. */
export type WindowsNodes =
  | { readonly nodes: readonly (readonly [label: string, exe: string])[] }
  | { readonly reason: string }

export function windowsNodes(): WindowsNodes {
  if (process.platform !== 'linux') return { reason: 'Wine runs Windows Node only on Linux here' }
  if (!existsSync(WINE)) return { reason: `no Wine (${WINE}; apt-get install wine64)` }
  let exes: string[]
  try {
    exes = execFileSync(process.execPath, [SCRIPT, '24', '22'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 900_000
    })
      .trim()
      .split('\n')
  } catch (error) {
    return {
      reason: `no Windows Node from the npm registry (${path.basename(SCRIPT)}: ${said(error)})`
    }
  }
  try {
    // The first start makes Wine's prefix, and says so on stderr: not in a test's run.
    execFileSync(WINE, [exes[0], '-e', '0'], {
      env: { ...process.env, ...wineEnv() },
      stdio: 'ignore',
      timeout: 300_000
    })
  } catch (error) {
    return { reason: `Wine could not start Windows Node (${said(error)})` }
  }
  return {
    nodes: [
      ['Windows Node 24 (patched for Wine)', exes[0]],
      ['Windows Node 22', exes[1]]
    ]
  }
}

/** The last line a failed command said. */
function said(error: unknown): string {
  return String((error as { stderr?: unknown }).stderr || error)
    .trim()
    .split('\n')
    .pop()!
}
