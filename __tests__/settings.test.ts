import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { Inputs, type InputName } from '../src/constants.js'
import { InputError } from '../src/errors.js'
import { BUILT_IN_EXCLUDES } from '../src/exclude.js'
import { lines, readSettings, type InputReader, type Settings } from '../src/settings.js'

/** The action.yml defaults, as the runner would pass them when a workflow sets nothing. */
const DEFAULTS: Record<InputName, string> = {
  [Inputs.Path]: '.',
  [Inputs.Exclude]: '',
  [Inputs.IncludeVenvs]: 'false',
  [Inputs.Debris]: '',
  [Inputs.RemoveEmpty]: 'false',
  [Inputs.Mode]: 'all',
  [Inputs.Python]: '',
  [Inputs.When]: 'now',
  [Inputs.Prevent]: 'false',
  [Inputs.KeepTracked]: 'true',
  [Inputs.KeepSourceless]: 'true',
  [Inputs.DryRun]: 'false',
  [Inputs.FailOnError]: 'false',
  [Inputs.Summary]: 'true'
}

/** A plain input reader over a record, trimmed like `core.getInput`; '' when unset. */
function reader(overrides: Partial<Record<InputName, string>> = {}): InputReader {
  const values: Partial<Record<InputName, string>> = { ...DEFAULTS, ...overrides }
  return name => (values[name] ?? '').trim()
}

/** An env with a workspace, so no test depends on the runner's own GITHUB_WORKSPACE. */
const ENV: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: '/w/repo' }

/** Runs `fn`, expecting it to throw; returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw, but it returned')
}

/** The message of the InputError `fn` throws. */
function inputErrorMessage(fn: () => unknown): string {
  const error = thrown(fn)
  expect(error).toBeInstanceOf(InputError)
  return (error as InputError).message
}

type BooleanField = keyof Pick<
  Settings,
  | 'includeVenvs'
  | 'prevent'
  | 'keepTracked'
  | 'keepSourceless'
  | 'dryRun'
  | 'failOnError'
  | 'summary'
>

const BOOLEAN_INPUTS: ReadonlyArray<readonly [InputName, BooleanField]> = [
  [Inputs.IncludeVenvs, 'includeVenvs'],
  [Inputs.Prevent, 'prevent'],
  [Inputs.KeepTracked, 'keepTracked'],
  [Inputs.KeepSourceless, 'keepSourceless'],
  [Inputs.DryRun, 'dryRun'],
  [Inputs.FailOnError, 'failOnError'],
  [Inputs.Summary, 'summary']
]

const ACCEPTED: ReadonlyArray<readonly [string, boolean]> = [
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false]
]

const REJECTED = ['yes', '1', '', 'on']

function booleans(settings: Settings): Record<BooleanField, boolean> {
  const { includeVenvs, prevent, keepTracked, keepSourceless, dryRun, failOnError, summary } =
    settings
  return { includeVenvs, prevent, keepTracked, keepSourceless, dryRun, failOnError, summary }
}

describe('readSettings: boolean inputs', () => {
  const accepted = BOOLEAN_INPUTS.flatMap(([name, field]) =>
    ACCEPTED.map(([value, expected]) => [name, value, field, expected] as const)
  )

  it.each(accepted)("'%s: %s' reads as %s = %s", (name, value, field, expected) => {
    // Every other boolean input is set to the opposite, so reading the wrong input, or
    // writing the wrong field, cannot pass.
    const opposite = expected ? 'false' : 'true'
    const settings = readSettings(
      reader({
        [Inputs.IncludeVenvs]: opposite,
        [Inputs.Prevent]: opposite,
        [Inputs.KeepTracked]: opposite,
        [Inputs.KeepSourceless]: opposite,
        [Inputs.DryRun]: opposite,
        [Inputs.FailOnError]: opposite,
        [Inputs.Summary]: opposite,
        [name]: value
      }),
      ENV
    )
    const want = Object.fromEntries(
      BOOLEAN_INPUTS.map(([, f]) => [f, f === field ? expected : !expected])
    )
    expect(booleans(settings)).toEqual(want)
  })

  const rejected = BOOLEAN_INPUTS.flatMap(([name]) => REJECTED.map(value => [name, value] as const))

  it.each(rejected)("'%s: %s' is rejected, naming the input and the value", (name, value) => {
    const message = inputErrorMessage(() => readSettings(reader({ [name]: value }), ENV))
    expect(message).toContain(`Input '${name}' is '${value}'`)
    expect(message).toContain('expected one of: true, false')
  })

  it.each(BOOLEAN_INPUTS.map(([name]) => name))(
    "an unset '%s' is an error, not a silent false (defaults live in action.yml)",
    name => {
      const values: Partial<Record<InputName, string>> = { ...DEFAULTS }
      delete values[name]
      const input: InputReader = n => values[n] ?? ''
      expect(inputErrorMessage(() => readSettings(input, ENV))).toContain(`Input '${name}' is ''`)
    }
  )

  it('reads the action.yml defaults as documented', () => {
    const settings = readSettings(reader(), ENV)
    expect(booleans(settings)).toEqual({
      includeVenvs: false,
      prevent: false,
      keepTracked: true,
      keepSourceless: true,
      dryRun: false,
      failOnError: false,
      summary: true
    })
    expect(settings).toMatchObject({ debris: [], mode: 'all', when: 'now' })
  })
})

describe('readSettings: debris', () => {
  const ALL = [
    'pytest',
    'mypy',
    'ruff',
    'hypothesis',
    'jupyter',
    'coverage',
    'tox',
    'nox',
    'package',
    'pyre',
    'pytype',
    'sphinx'
  ]

  it.each([
    ['empty', '', []],
    ['one topic', 'pytest', ['pytest']],
    ['spaces', 'pytest mypy', ['pytest', 'mypy']],
    ['commas', 'ruff,pytest', ['pytest', 'ruff']],
    ['commas and spaces', ' coverage , tox ', ['coverage', 'tox']],
    ['newlines (a YAML block), CRLF', 'nox\r\npackage\r\n', ['nox', 'package']],
    ['a topic twice', 'mypy mypy', ['mypy']],
    ['all', 'all', ALL],
    ['all with others', 'pytest, all', ALL]
  ])('%s: %j reads as %j', (_what, value, expected) => {
    expect(readSettings(reader({ [Inputs.Debris]: value }), ENV).debris).toEqual(expected)
  })

  it.each([
    ['pytst', "'pytst', which is not a topic"],
    ['pytest Pytest', "'Pytest', which is not a topic"],
    ['build dist', "'build', 'dist', which are not topics"],
    ['pytest;mypy', "'pytest;mypy', which is not a topic"]
  ])('%j is an InputError naming debris, the bad words and every valid topic', (value, bad) => {
    const message = inputErrorMessage(() => readSettings(reader({ [Inputs.Debris]: value }), ENV))
    expect(message).toContain(`Input 'debris' has ${bad}`)
    expect(message).toContain(`expected any of: ${ALL.join(', ')}, or all`)
  })

  it.each([
    ['pyright', 'pyright keeps no cache in a project'],
    ['pytest cache', "a .cache directory holds other tools' data too"],
    ['pyinstaller', "PyInstaller's build/ and dist/ are removed by 'package'"]
  ])('%j is an InputError that says why it is no topic', (value, why) => {
    const message = inputErrorMessage(() => readSettings(reader({ [Inputs.Debris]: value }), ENV))
    expect(message).toContain(
      `Input 'debris' has '${value.split(' ').pop()}', which is not a topic`
    )
    expect(message).toContain(why)
    expect(message).toContain(`Expected any of: ${ALL.join(', ')}, or all.`)
  })

  it.each([
    ['true', true],
    ['false', false]
  ])("'remove-empty: %s' is read", (value, expected) => {
    expect(readSettings(reader({ [Inputs.RemoveEmpty]: value }), ENV).removeEmpty).toBe(expected)
  })

  it('names the other words that are no topic beside an explained one', () => {
    const message = inputErrorMessage(() =>
      readSettings(reader({ [Inputs.Debris]: 'pyright pytst' }), ENV)
    )
    expect(message).toContain("Not topics either: 'pytst'.")
  })

  it('refuses a remove-empty that is not a boolean, naming it', () => {
    const message = inputErrorMessage(() =>
      readSettings(reader({ [Inputs.RemoveEmpty]: 'yes' }), ENV)
    )
    expect(message).toBe("Input 'remove-empty' is 'yes'; expected one of: true, false.")
  })
})

describe('readSettings: mode and when', () => {
  it.each([
    [Inputs.Mode, 'all', 'mode'],
    [Inputs.Mode, 'stale', 'mode'],
    [Inputs.When, 'now', 'when'],
    [Inputs.When, 'post', 'when'],
    [Inputs.When, 'both', 'when']
  ] as const)("'%s: %s' is read", (name, value, field) => {
    expect(readSettings(reader({ [name]: value }), ENV)[field]).toBe(value)
  })

  it.each([
    [Inputs.Mode, 'Stale', 'all, stale'],
    [Inputs.Mode, '', 'all, stale'],
    [Inputs.Mode, 'old', 'all, stale'],
    [Inputs.When, 'later', 'now, post, both'],
    [Inputs.When, 'always', 'now, post, both'],
    [Inputs.When, '', 'now, post, both']
  ])("'%s: %s' is an InputError listing what is allowed", (name, value, allowed) => {
    const message = inputErrorMessage(() => readSettings(reader({ [name]: value }), ENV))
    expect(message).toBe(`Input '${name}' is '${value}'; expected one of: ${allowed}.`)
  })
})

describe('readSettings: path', () => {
  it.each([
    ['empty', ''],
    ['only blank lines', '\n   \n\t\n'],
    ['only # comments', '# nothing here\n  # nor here'],
    ['only blank lines and comments, CRLF', '\r\n# c\r\n\r\n']
  ])('%s is an InputError naming path', (_what, value) => {
    const message = inputErrorMessage(() => readSettings(reader({ [Inputs.Path]: value }), ENV))
    expect(message).toContain("Input 'path'")
    expect(message).toContain('names no directory')
  })

  it.each([
    ['one ! line', '!build', ['!build']],
    ['several ! lines and a comment', '!build\n# keep\n!dist', ['!build', '!dist']]
  ])(
    '%s (no positive pattern) is an InputError naming path and the lines',
    (_what, value, shown) => {
      const message = inputErrorMessage(() => readSettings(reader({ [Inputs.Path]: value }), ENV))
      expect(message).toContain("Input 'path' has only '!' lines")
      for (const line of shown) expect(message).toContain(line)
    }
  )

  it('keeps the lines in order, dropping comments and blank lines, with CRLF line ends', () => {
    const settings = readSettings(
      reader({ [Inputs.Path]: 'src\r\n# a comment\r\n\r\n  lib/*  \r\n!lib/vendored\r\n' }),
      ENV
    )
    expect(settings.pathPatterns).toEqual(['src', 'lib/*', '!lib/vendored'])
  })

  it('accepts a positive line after ! lines', () => {
    const settings = readSettings(reader({ [Inputs.Path]: '!a\nb' }), ENV)
    expect(settings.pathPatterns).toEqual(['!a', 'b'])
  })
})

describe('readSettings: workspace', () => {
  it('is GITHUB_WORKSPACE, normalized', () => {
    const settings = readSettings(reader(), { GITHUB_WORKSPACE: '/w/repo/sub/../' })
    expect(settings.workspace).toBe(path.resolve('/w/repo'))
  })

  it('resolves a relative GITHUB_WORKSPACE against the current directory', () => {
    const settings = readSettings(reader(), { GITHUB_WORKSPACE: 'some/ws' })
    expect(settings.workspace).toBe(path.join(process.cwd(), 'some', 'ws'))
    expect(path.isAbsolute(settings.workspace)).toBe(true)
  })

  it.each([
    ['unset', {}],
    ['empty', { GITHUB_WORKSPACE: '' }]
  ])('is process.cwd() when GITHUB_WORKSPACE is %s', (_what, env: NodeJS.ProcessEnv) => {
    expect(readSettings(reader(), env).workspace).toBe(process.cwd())
  })
})

describe('readSettings: exclude', () => {
  it('compiles the lines, dropping comments and blank lines, with CRLF line ends', () => {
    const settings = readSettings(
      reader({ [Inputs.Exclude]: 'node_modules\r\n# comment\r\n\r\n  docs/build  \r\n' }),
      ENV,
      'linux'
    )
    expect(settings.exclude.patterns).toEqual([...BUILT_IN_EXCLUDES, 'node_modules', 'docs/build'])
    expect(settings.exclude.matches('node_modules', 'a/node_modules')).toBe(true)
    expect(settings.exclude.matches('build', 'docs/build')).toBe(true)
    expect(settings.exclude.matches('build', 'x/build')).toBe(false)
  })

  it('passes the platform on (case-insensitive on win32, sensitive on linux)', () => {
    const input = reader({ [Inputs.Exclude]: 'Site_Data' })
    expect(readSettings(input, ENV, 'win32').exclude.matches('site_data', 'site_data')).toBe(true)
    expect(readSettings(input, ENV, 'linux').exclude.matches('site_data', 'site_data')).toBe(false)
  })

  it('an empty exclude leaves the built-in list: .git, .hg, .svn, node_modules', () => {
    const settings = readSettings(reader({ [Inputs.Exclude]: '' }), ENV)
    expect(settings.exclude.patterns).toEqual(['.git', '.hg', '.svn', 'node_modules'])
    expect(settings.exclude.matches('node_modules', 'web/node_modules')).toBe(true)
    expect(settings.exclude.matches('src', 'src')).toBe(false)
  })

  it('adds to the built-in list: exclude: data still skips .git and node_modules', () => {
    const settings = readSettings(reader({ [Inputs.Exclude]: 'data' }), ENV, 'linux')
    for (const name of ['.git', '.hg', '.svn', 'node_modules', 'data']) {
      expect({ name, excluded: settings.exclude.matches(name, `x/${name}`) }).toEqual({
        name,
        excluded: true
      })
    }
  })

  it.each(['!node_modules', '../up', 'foo[ab'])(
    'a bad pattern (%s) is an InputError naming exclude and the pattern',
    pattern => {
      const message = inputErrorMessage(() =>
        readSettings(reader({ [Inputs.Exclude]: `.git\n${pattern}` }), ENV, 'linux')
      )
      expect(message).toContain(`Input 'exclude' has the pattern '${pattern}'`)
    }
  )
})

describe('lines', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['a\nb', ['a', 'b']],
    ['a\r\nb\r\n', ['a', 'b']],
    ['a\rb', ['a', 'b']],
    ['  a  \n\t b\t', ['a', 'b']],
    ['# c\na\n  # indented comment\n\n', ['a']],
    ['a # not a comment', ['a # not a comment']],
    ['!x\n~/y', ['!x', '~/y']]
  ])('%j gives %j', (value, expected) => {
    expect(lines(value)).toEqual(expected)
  })
})
