/**
 * Issue 13: mapping a PYTHONPYCACHEPREFIX tree back to the sources it mirrors, as CPython's
 * `cache_from_source` lays it out (Lib/importlib/_bootstrap_external.py): the source directory as
 * an absolute path, its drive dropped on Windows, below the prefix. The POSIX layout is also
 * checked against real interpreters (python-input.test.ts, stale-differential.test.ts); these
 * are the rules, Windows included.
 */
import { describe, expect, it } from '@jest/globals'
import { mirroredSourceDirs, pycachePrefix } from '../src/pycache-prefix.js'

describe('pycachePrefix (the value of PYTHONPYCACHEPREFIX)', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['/tmp/pyc', '/tmp/pyc'],
    ['/tmp/pyc/', '/tmp/pyc'],
    ['pyc', '/w/pyc'],
    ['../pyc', '/pyc'],
    ['/', '/']
  ])('POSIX %p is %p (relative to the workspace /w)', (value, dir) => {
    expect(pycachePrefix(value, '/w', 'linux')?.dir).toBe(dir)
  })

  it('on Windows, keeps the drives a source may be on: the prefix’s, the workspace’s, the system’s', () => {
    expect(pycachePrefix('D:\\a\\_temp\\pyc\\', 'D:\\a\\repo', 'win32', 'C:')).toEqual({
      dir: 'D:\\a\\_temp\\pyc',
      drives: ['D:', 'C:'],
      platform: 'win32'
    })
    expect(pycachePrefix('pyc', 'e:\\w', 'win32', 'C:')?.drives).toEqual(['E:', 'C:'])
    const root = pycachePrefix('C:\\', 'D:\\w', 'win32', 'C:')!
    expect(root.dir).toBe('C:\\')
    expect(mirroredSourceDirs(root, 'C:\\src\\pkg')).toEqual(['C:\\src\\pkg', 'D:\\src\\pkg'])
  })
})

describe('mirroredSourceDirs', () => {
  it('on Windows, a UNC workspace: the source is looked for on the share too (no drive is dropped)', () => {
    const unc = pycachePrefix('\\\\srv\\sh\\pyc', '\\\\srv\\sh\\repo', 'win32', 'C:')!
    expect(unc.drives).toEqual(['C:', '\\'])
    expect(mirroredSourceDirs(unc, '\\\\srv\\sh\\pyc\\srv\\sh\\repo\\pkg')).toEqual([
      'C:\\srv\\sh\\repo\\pkg',
      '\\\\srv\\sh\\repo\\pkg'
    ])
  })

  const posix = pycachePrefix('/tmp/pyc', '/', 'linux')!
  it.each([
    ['/tmp/pyc', ['/']],
    ['/tmp/pyc/home/u/src/pkg', ['/home/u/src/pkg']],
    ['/tmp/pyc/tmp/pyc', ['/tmp/pyc']],
    ['/tmp/pycache/x', undefined],
    ['/tmp', undefined],
    ['/TMP/pyc/x', undefined]
  ])('POSIX: %p mirrors %p', (dir, sources) => {
    expect(mirroredSourceDirs(posix, dir)).toEqual(sources)
  })

  it('macOS: a prefix written in another case is the same directory (APFS ignores case)', () => {
    const mac = pycachePrefix('/Users/runner/PYC', '/', 'darwin')!
    expect(mirroredSourceDirs(mac, '/Users/runner/pyc/Users/runner/work/pkg')).toEqual([
      '/Users/runner/work/pkg'
    ])
    expect(mirroredSourceDirs(posix, '/TMP/pyc/x')).toBeUndefined()
  })

  it('cuts the path where the prefix ends, also when lower-casing changes a length (İ)', () => {
    const mac = pycachePrefix('/Users/İlker/pyc', '/', 'darwin')!
    expect(mirroredSourceDirs(mac, '/Users/İlker/pyc/Users/İlker/work/pkg')).toEqual([
      '/Users/İlker/work/pkg'
    ])
    const win = pycachePrefix('C:\\İ\\pyc', 'C:\\w', 'win32', 'C:')!
    expect(mirroredSourceDirs(win, 'C:\\İ\\pyc\\w\\pkg')).toEqual(['C:\\w\\pkg'])
  })

  const win = pycachePrefix('D:\\a\\_temp\\pyc', 'D:\\a\\repo', 'win32', 'C:')!
  it.each([
    ['D:\\a\\_temp\\pyc\\a\\repo\\pkg', ['D:\\a\\repo\\pkg', 'C:\\a\\repo\\pkg']],
    [
      'd:\\A\\_TEMP\\PYC\\hostedtoolcache\\Lib',
      ['D:\\hostedtoolcache\\Lib', 'C:\\hostedtoolcache\\Lib']
    ],
    ['D:\\a\\_temp\\pyc', ['D:\\', 'C:\\']],
    ['D:\\a\\_temp\\pycx', undefined],
    ['C:\\a\\_temp\\pyc\\x', undefined]
  ])('Windows (drive dropped, any case): %p mirrors %p', (dir, sources) => {
    expect(mirroredSourceDirs(win, dir)).toEqual(sources)
  })
})
