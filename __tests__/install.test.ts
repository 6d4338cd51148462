// `npm ci` installs without EBADENGINE warnings on the Node versions package.json `engines`
// declares for development: every package that package-lock.json pins accepts the lowest release
// of each line the range allows, and the Node running the tests. A newer transitive release that
// drops one (as @azure/* and content-type under @github/local-action did for Node 20) fails here
// before a contributor's first install prints a wall of warnings.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import semver from 'semver'

const top = path.resolve(import.meta.dirname, '..')
const read = (name: string): string => readFileSync(path.join(top, name), 'utf8')

interface LockEntry {
  readonly version?: string
  readonly engines?: Record<string, string> | string[]
}
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> }
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node

/** The lowest release each alternative of `engines` allows (`^20.19.0 || >=22.13.0` → both). */
function lowestOfEach(range: string): string[] {
  return new semver.Range(range).set.map(
    comparators => semver.minVersion(comparators.map(c => c.value).join(' '))!.version
  )
}

const versions = [...new Set([...lowestOfEach(engines), process.versions.node])]

describe("package.json's engines", () => {
  it('accept .node-version (what setup-node and nvm pick) and the Node running the tests', () => {
    // `.node-version` names a line (`20`): setup-node and nvm install its newest release.
    const line = read('.node-version').trim()
    expect(semver.satisfies(`${line}.999.0`, engines)).toBe(true)
    expect(semver.satisfies(process.versions.node, engines)).toBe(true)
  })

  it.each(versions)('are those of every package package-lock.json installs: Node %s', version => {
    const refused: string[] = []
    for (const [where, entry] of Object.entries(lock.packages)) {
      const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node
      if (where === '' || node === undefined) continue
      if (!semver.satisfies(version, node, { includePrerelease: true })) {
        refused.push(`${where}@${entry.version ?? '?'} wants node ${node}`)
      }
    }
    expect(refused).toEqual([])
  })
})
