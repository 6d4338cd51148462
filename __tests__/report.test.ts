import { describe, expect, it } from '@jest/globals'
import type { RootResult } from '../src/clean.js'
import {
  failOnErrorMessage,
  failureLine,
  formatBytes,
  formatCount,
  formatDuration,
  outputs,
  progressLine,
  rootLine,
  summaryMarkdown,
  SUMMARY_FAILURE_LIMIT,
  totalLine,
  totals
} from '../src/report.js'

function result(overrides: Partial<RootResult> = {}): RootResult {
  return {
    root: '/w/app',
    filesRemoved: 16846,
    dirsRemoved: 3119,
    bytesFreed: 317 * 1024 * 1024,
    failures: [],
    kept: [],
    venvs: [],
    excluded: [],
    entries: 59435,
    ...overrides
  }
}

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'],
    [317 * 1024 * 1024, '317.0 MiB'],
    [5 * 1024 ** 3 + 1024 ** 3 / 2, '5.5 GiB']
  ])('formatBytes(%d) is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })

  it.each([
    [0, '0'],
    [999, '999'],
    [3119, '3,119'],
    [1234567, '1,234,567']
  ])('formatCount(%d) is %s', (n, text) => {
    expect(formatCount(n)).toBe(text)
  })

  it.each([
    [0, '0.0 s'],
    [940, '0.9 s'],
    [12_345, '12.3 s'],
    [125_000, '2 min 5 s']
  ])('formatDuration(%d) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('log lines', () => {
  it('says what was removed from a root, as the issue shows it', () => {
    expect(rootLine(result(), false, 940)).toBe(
      'Removed 3,119 directories and 16,846 files (317.0 MiB) from /w/app in 0.9 s'
    )
  })

  it('says "Would remove" in a dry run and uses singulars', () => {
    const r = result({ filesRemoved: 1, dirsRemoved: 1, bytesFreed: 10 })
    expect(rootLine(r, true, 0)).toBe(
      'Would remove 1 directory and 1 file (10 B) from /w/app in 0.0 s'
    )
  })

  it('adds the error count when there are failures', () => {
    const failure = {
      path: '/w/app/x.pyc',
      operation: 'remove' as const,
      code: 'EACCES',
      message: 'no'
    }
    expect(rootLine(result({ failures: [failure, failure] }), false, 0)).toMatch(/; 2 errors$/)
    expect(totalLine(totals([result({ failures: [failure] })]), 1, false, 0)).toMatch(/; 1 error$/)
  })

  it('totals over roots', () => {
    const t = totals([result(), result({ filesRemoved: 4, dirsRemoved: 1, bytesFreed: 6 })])
    expect(t).toEqual({ files: 16850, dirs: 3120, bytes: 317 * 1024 * 1024 + 6, errors: 0 })
    expect(totalLine(t, 2, true, 1500)).toBe(
      'Total: would remove 3,120 directories and 16,850 files (317.0 MiB) from 2 roots in 1.5 s'
    )
  })
})

describe('outputs', () => {
  it('are plain decimal strings under the action.yml names, and the report path', () => {
    const totals = { files: 16846, dirs: 3119, bytes: 1234567, errors: 2 }
    expect(outputs(totals, '/tmp/r.json')).toEqual({
      'files-removed': '16846',
      'dirs-removed': '3119',
      'bytes-freed': '1234567',
      errors: '2',
      report: '/tmp/r.json'
    })
  })
})

describe('failureLine', () => {
  const denied = {
    path: '/w/app/pkg/__pycache__/m.cpython-312.pyc',
    operation: 'remove' as const,
    code: 'EACCES',
    message: 'EACCES: permission denied',
    owner: { path: '/w/app/pkg/__pycache__', uid: 0 }
  }

  it('names the path, the error, the owner and the container hint when the owner is not us', () => {
    const line = failureLine(denied, 1001)
    expect(line).toContain('Could not remove /w/app/pkg/__pycache__/m.cpython-312.pyc')
    expect(line).toContain('EACCES: permission denied')
    expect(line).toContain('owned by uid 0; this step runs as uid 1001')
    expect(line).toContain('container step running as root')
  })

  it('gives no container hint when we own the directory', () => {
    const line = failureLine({ ...denied, owner: { path: '/x', uid: 1001 } }, 1001)
    expect(line).toContain('owned by uid 1001')
    expect(line).not.toContain('container')
  })

  it('says "read" for a directory that could not be listed', () => {
    const line = failureLine({ path: '/w/d', operation: 'read', code: 'EIO', message: 'EIO' }, 0)
    expect(line).toBe('Could not read directory /w/d: EIO')
  })
})

describe('failOnErrorMessage', () => {
  it('is undefined when nothing failed', () => {
    expect(failOnErrorMessage({ files: 3, dirs: 1, bytes: 9, errors: 0 }, [])).toBeUndefined()
  })

  it('counts failures and unmatched lines', () => {
    const message = failOnErrorMessage({ files: 0, dirs: 0, bytes: 0, errors: 3 }, ['nope'])
    expect(message).toContain('3 entries could not be removed or read')
    expect(message).toContain("1 'path' line matched no directory ('nope')")
    expect(message).toContain("'fail-on-error' is true")
  })
})

describe('summaryMarkdown', () => {
  it('has a row per root, a total for several roots, and no banner for a real run', () => {
    const md = summaryMarkdown({
      results: [
        result(),
        result({ root: '/w/lib', filesRemoved: 2, dirsRemoved: 0, bytesFreed: 0 })
      ],
      dryRun: false,
      unmatched: [],
      currentUid: 1001
    })
    expect(md).toContain('| <code>/w/app</code> | 3,119 | 16,846 | 317.0 MiB | 0 |')
    expect(md).toContain('| <code>/w/lib</code> | 0 | 2 | 0 B | 0 |')
    expect(md).toContain('| **Total** | **3,119** | **16,848** | **317.0 MiB** | **0** |')
    expect(md).not.toContain('Dry run')
  })

  it('shows the dry-run banner, unmatched lines and failures (capped)', () => {
    const failures = Array.from({ length: SUMMARY_FAILURE_LIMIT + 3 }, (_, i) => ({
      path: `/w/app/a|b\n${i}.pyc`,
      operation: 'remove' as const,
      code: 'EPERM',
      message: 'EPERM: operation not permitted'
    }))
    const md = summaryMarkdown({
      results: [result({ failures })],
      dryRun: true,
      unmatched: ['missing/dir'],
      currentUid: 1001
    })
    expect(md).toContain('Dry run: nothing was deleted.')
    expect(md).toContain('<code>missing/dir</code>')
    expect(md).toContain(`### Failures (${SUMMARY_FAILURE_LIMIT + 3})`)
    expect(md).toContain('…and 3 more')
    // A pipe or newline in a name must not break the table.
    expect(md).toContain('a\\|b<br>0.pyc')
    expect(md.match(/^\| <code>\/w\/app\/a/gm)).toHaveLength(SUMMARY_FAILURE_LIMIT)
  })
})

describe('progressLine', () => {
  it('says how long, how many entries were read and how much went', () => {
    const p = { entries: 1234567, removed: 20001, bytes: 3 * 1024 * 1024 }
    expect(progressLine(p, false, 5000)).toBe(
      '… 5.0 s: 1,234,567 entries read, 20,001 removed (3.0 MiB)'
    )
    expect(progressLine(p, true, 65_000)).toBe(
      '… 1 min 5 s: 1,234,567 entries read, 20,001 would be removed (3.0 MiB)'
    )
  })
})

describe('formatDuration at the minute', () => {
  it.each([
    [59_940, '59.9 s'],
    [59_960, '1 min 0 s'],
    [60_000, '1 min 0 s']
  ])('formatDuration(%d) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
