// Jest reports a failure at its own line: tests compile with source maps (tsconfig.test.json),
// so a stack trace points at the TypeScript a developer wrote, not at the compiled JavaScript.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { toolEnv } from '../__fixtures__/tree.js'

const top = path.resolve(import.meta.dirname, '..')
const fixture = path.join(top, '__fixtures__', 'deliberate-failure.ts')

describe('a failing test', () => {
  it('is reported at the line that failed', () => {
    const marked = readFileSync(fixture, 'utf8')
      .split('\n')
      .findIndex(l => l.includes('// deliberate failure'))
    expect(marked).toBeGreaterThan(0)

    const result = spawnSync(
      process.execPath,
      [
        path.join(top, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--ci',
        '--testMatch',
        '**/__fixtures__/deliberate-failure.ts',
        '--testPathIgnorePatterns',
        '/node_modules/'
      ],
      {
        cwd: top,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...toolEnv(), NODE_OPTIONS: '--experimental-vm-modules', NODE_NO_WARNINGS: '1' }
      }
    )

    expect(result.status).toBe(1)
    const reported = [...result.stderr.matchAll(/deliberate-failure\.ts:(\d+):\d+/g)].map(m =>
      Number(m[1])
    )
    expect(reported).toContain(marked + 1)
    expect(reported.every(line => line === marked + 1)).toBe(true)
  }, 150_000)
})
