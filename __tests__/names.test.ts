// What a name is (src/names.ts): bytecode names, cached names and their source, pytest caches,
// temporary files of interrupted writes, sources. Checked against a real interpreter's own
// mapping in stale.test.ts (its oracle uses importlib.util.source_from_cache).
import { describe, expect, it } from '@jest/globals'
import {
  bytecodeKind,
  cachedName,
  cachedSourceStem,
  isBytecodeName,
  isBytecodeTemp,
  pytestSourceStem,
  sourceFiles
} from '../src/names.js'

describe('isBytecodeName', () => {
  it.each([
    ['a.pyc', true],
    ['a.pyo', true],
    ['m.cpython-312.pyc', true],
    ['m.opt-1.pyc', true],
    ['m.cpython-312.opt-2.pyc', true],
    ['a.py', false],
    ['a.pyd', false],
    ['a.so', false],
    ['a.pyc.bak', false],
    ['__pycache__', false],
    ['pyc', false]
  ])('isBytecodeName(%j) is %s', (name, expected) => {
    expect(isBytecodeName(name)).toBe(expected)
  })
})

describe('cachedSourceStem (the rules of importlib.util.source_from_cache)', () => {
  it.each([
    ['m.cpython-312.pyc', 'm'],
    ['m.cpython-312.opt-1.pyc', 'm'],
    ['__init__.cpython-311.opt-2.pyc', '__init__'],
    ['m.pypy310.pyc', 'm'],
    ['m.pyc', undefined],
    ['m.cpython-312.opt1.pyc', undefined],
    ['m.cpython-312.opt-.pyc', undefined],
    ['m.a.b.c.pyc', undefined],
    ['m.cpython-312.pyo', undefined],
    ['m.cpython-312.opt-1.pyo', undefined],
    ['.cpython-312.pyc', undefined],
    ['m..pyc', undefined]
  ])('%j → %j', (name, stem) => {
    expect(cachedSourceStem(name)).toBe(stem)
  })
})

describe('pytestSourceStem (pytest assertion-rewrite caches)', () => {
  it.each([
    ['test_x.cpython-312-pytest-8.3.4.pyc', 'test_x'],
    ['test_x.cpython-311-pytest-9.0.3.pyo', 'test_x'],
    ['conftest.pypy310-pytest-7.4.0.pyc', 'conftest'],
    ['test_x.cpython-312.pyc', undefined],
    ['test_x.pyc', undefined],
    ['.cpython-312-pytest-8.3.4.pyc', undefined]
  ])('%j → %j', (name, stem) => {
    expect(pytestSourceStem(name)).toBe(stem)
  })
})

describe('isBytecodeTemp', () => {
  it.each([
    ['m.cpython-312.pyc.140234567890', true],
    ['m.cpython-312.pyc.1', true],
    ['m.pyo.22', true],
    ['m.cpython-312.pyc', false],
    ['m.cpython-312.pyc.tmp', false],
    ['m.py.123', false]
  ])('%j: %s', (name, expected) => {
    expect(isBytecodeTemp(name)).toBe(expected)
  })
})

describe('sourceFiles', () => {
  it('maps module names to their .py (or, failing that, .pyw) source', () => {
    const names = ['a.py', 'b.pyc', '.py', 'c.pyi', 'd.py.bak', 'e.py', 'w.pyw', 'e.pyw', '.pyw']
    expect([...sourceFiles(names)].sort()).toEqual([
      ['a', 'a.py'],
      ['e', 'e.py'],
      ['w', 'w.pyw']
    ])
  })
})

describe('bytecodeKind', () => {
  it.each([
    ['m.cpython-312.pyc', true, 'cached'],
    ['m.pyc', true, 'cached'],
    ['m.cpython-312.pyc.140234567', true, 'interrupted write'],
    ['m.cpython-312.pyc.140234567', false, undefined],
    ['m.pyc', false, 'legacy beside its source'],
    ['m.pyo', false, 'legacy beside its source'],
    ['m.py', true, undefined],
    ['m.py', false, undefined]
  ] as const)('%j (in __pycache__: %s) → %j', (name, inPycache, kind) => {
    expect(bytecodeKind(name, inPycache)).toBe(kind)
  })
})

describe('cachedName', () => {
  it.each([
    ['m.cpython-312.pyc', { stem: 'm', tag: 'cpython-312', pytest: false, dotted: false }],
    ['m.cpython-312.opt-2.pyc', { stem: 'm', tag: 'cpython-312', pytest: false, dotted: false }],
    [
      't.cpython-312-pytest-9.0.3.pyo',
      { stem: 't', tag: 'cpython-312', pytest: true, dotted: false }
    ],
    // cache_from_source('gunicorn.conf.py'): source_from_cache rejects it, a path loader reads it.
    [
      'gunicorn.conf.cpython-312.pyc',
      { stem: 'gunicorn.conf', tag: 'cpython-312', pytest: false, dotted: true }
    ],
    ['a.b.cpython-312.opt-1.pyc', { stem: 'a.b', tag: 'cpython-312', pytest: false, dotted: true }],
    ['m.pyc', undefined],
    ['m.cpython-312.pyo', undefined],
    ['.a.cpython-312.pyc', undefined],
    ['a..cpython-312.pyc', undefined]
  ] as const)('%j → %j', (name, expected) => {
    expect(cachedName(name)).toEqual(expected)
  })
})
