import { describe, expect, it } from '@jest/globals'
import { result } from '../__fixtures__/results.js'
import {
  failOnErrorMessage,
  failReasons,
  formatBytes,
  formatCount,
  formatDuration,
  outputs,
  progressLine,
  rootLine,
  sizeText,
  totalLine,
  totals
} from '../src/report.js'

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
    const r = result({ filesRemoved: 1, dirsRemoved: 1, bytesFreed: 10, diskFreed: 10 })
    expect(rootLine(r, true, 0)).toBe(
      'Would remove 1 directory and 1 file (10 B) from /w/app in 0.0 s'
    )
  })

  it('adds the error count when there are failures', () => {
    const failure = {
      path: '/w/app/x.pyc',
      operation: 'remove' as const,
      attempt: 'unlink' as const,
      code: 'EACCES',
      message: 'no'
    }
    expect(rootLine(result({ failures: [failure, failure] }), false, 0)).toMatch(/; 2 errors$/)
    const two = [result({ failures: [failure] }), result()]
    expect(totalLine(totals(two), 2, false, 0)).toMatch(/; 1 error$/)
  })

  it('totals over roots', () => {
    const t = totals([
      result(),
      result({ filesRemoved: 4, dirsRemoved: 1, bytesFreed: 6, diskFreed: 8192 })
    ])
    expect(t).toEqual({
      files: 16850,
      dirs: 3120,
      bytes: 317 * 1024 * 1024 + 6,
      disk: 317 * 1024 * 1024 + 8192,
      tracked: 0,
      errors: 0
    })
    expect(totalLine(t, 2, true, 1500)).toBe(
      'Total: would remove 3,120 directories and 16,850 files (317.0 MiB) from 2 roots in 1.5 s'
    )
  })

  it('prints no total for a single root (its own line says it), and says so when there is none', () => {
    const t = totals([result()])
    expect(totalLine(t, 1, false, 900)).toBeUndefined()
    expect(totalLine(totals([]), 0, false, 0)).toBe(
      "No 'path' line matched a directory: nothing was cleaned."
    )
  })

  it('shows the disk space beside the size when they differ (hard links, whole blocks)', () => {
    expect(sizeText(12_000_000, 12_000_000)).toBe('11.4 MiB')
    expect(sizeText(300, 4096)).toBe('300 B; 4.0 KiB on disk')
    expect(sizeText(317 * 1024 * 1024, 0)).toBe('317.0 MiB; 0 B on disk')
    const linked = result({ diskFreed: 0 })
    expect(rootLine(linked, false, 940)).toBe(
      'Removed 3,119 directories and 16,846 files (317.0 MiB; 0 B on disk) from /w/app in 0.9 s'
    )
  })
})

describe('outputs', () => {
  it('are plain decimal strings under the action.yml names, and the report path', () => {
    const totals = { files: 16846, dirs: 3119, bytes: 1234567, disk: 53248, tracked: 4, errors: 2 }
    expect(outputs(totals, '/tmp/r.json')).toEqual({
      'files-removed': '16846',
      'dirs-removed': '3119',
      'bytes-freed': '1234567',
      'disk-freed': '53248',
      'tracked-files': '4',
      errors: '2',
      report: '/tmp/r.json'
    })
  })
})

describe('failOnErrorMessage', () => {
  it('is undefined when nothing failed', () => {
    expect(failOnErrorMessage({ errors: 0 }, [])).toBeUndefined()
    expect(failReasons({ errors: 0 }, [])).toEqual([])
  })

  it('counts failures and unmatched lines', () => {
    expect(failReasons({ errors: 3 }, ['nope'])).toEqual([
      '3 entries could not be removed or read',
      "1 'path' line matched no directory ('nope')"
    ])
    const message = failOnErrorMessage({ errors: 3 }, ['nope'])
    expect(message).toContain('3 entries could not be removed or read')
    expect(message).toContain("1 'path' line matched no directory ('nope')")
    expect(message).toContain("'fail-on-error' is true")
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
