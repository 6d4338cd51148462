// Keeps the public interface in step: action.yml, the name constants the code uses, the README
// tables users read, and the defaults reader of scripts/local.mjs.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { action, actionText } from '../__fixtures__/action.js'
import { Inputs, Outputs } from '../src/constants.js'

const top = path.resolve(import.meta.dirname, '..')
const readme = readFileSync(path.join(top, 'README.md'), 'utf8')

/** Rows of the Markdown table under `## heading`, as trimmed cells; the first is the name. */
function tableRows(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .filter(line => /^\|\s*`[^`]+`\s*\|/.test(line))
    .map(line =>
      line
        .split('|')
        .slice(1, -1)
        .map(cell => cell.trim())
    )
}

/** The first column of a table, without backticks. */
function tableNames(heading: string): string[] {
  return tableRows(heading).map(cells => (cells[0] ?? '').replace(/`/g, ''))
}

/** The Default column of the README inputs table, by input name. */
function readmeDefaults(): Record<string, string> {
  return Object.fromEntries(
    tableRows('Inputs').map(cells => [(cells[0] ?? '').replace(/`/g, ''), cells[1] ?? ''])
  )
}

describe('action.yml', () => {
  it('declares exactly the inputs the code reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort())
  })

  it('declares exactly the outputs the code sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort())
  })

  it('gives every input a default (core.getBooleanInput-style parsing needs one)', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect({ name, hasDefault: typeof input.default === 'string' }).toEqual({
        name,
        hasDefault: true
      })
      expect(input.description.length).toBeGreaterThan(10)
    }
  })

  // The Marketplace and the workflow editor show descriptions as plain text, beside the default:
  // short sentences, hardly any Markdown, no "Default: …" that `default:` already says.
  it.each(Object.keys(action.inputs))(
    'describes input %s in plain text, at most 300 characters',
    name => {
      const input = action.inputs[name]
      const text = input.description.replace(/\s+/g, ' ').trim()
      expect(text.length).toBeLessThanOrEqual(300)
      expect(text).not.toMatch(/`|\*\*|\]\(/)
      expect(text).not.toMatch(/Default:/)
      // A boolean input (and only one) says which two values it takes.
      const boolean = ['true', 'false'].includes(input.default ?? '')
      expect({ name, says: text.startsWith('true or false.') }).toEqual({ name, says: boolean })
    }
  )

  it('names the words mode and when take', () => {
    for (const [name, words] of [
      [Inputs.Mode, ['all', 'stale']],
      [Inputs.When, ['now', 'post', 'both']]
    ] as const) {
      for (const word of words)
        expect(action.inputs[name].description).toMatch(new RegExp(`\\b${word}\\b`))
    }
  })

  it('describes every output in plain text, at most 300 characters', () => {
    for (const output of Object.values(action.outputs)) {
      expect(output.description.length).toBeGreaterThan(20)
      expect(output.description.length).toBeLessThanOrEqual(300)
      expect(output.description).not.toMatch(/`|\*\*|\]\(/)
    }
  })

  it('has the Marketplace metadata: name, description, author, branding', () => {
    // A display name, as the Marketplace lists it; the repository stays pyclean-action.
    expect(action.name).toBe('Python bytecode clean')
    expect(action.description.length).toBeLessThanOrEqual(125)
    expect(action.author).toBeTruthy()
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })

  it('runs the committed bundle on node24, as the main step and as the post step', () => {
    // The same bundle is the post step (`when: post` and `both`): index.ts picks by the saved state.
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' })
  })
})

describe('README', () => {
  it('has an inputs table row for every input, in action.yml order', () => {
    expect(tableNames('Inputs')).toEqual(Object.keys(action.inputs))
  })

  it('has an outputs table row for every output, in action.yml order', () => {
    expect(tableNames('Outputs')).toEqual(Object.keys(action.outputs))
  })

  it("shows each input's action.yml default", () => {
    const shown = readmeDefaults()
    for (const [name, input] of Object.entries(action.inputs)) {
      const lines = (input.default ?? '').split('\n').filter(Boolean)
      for (const value of lines)
        expect({ name, cell: shown[name] }).toEqual({
          name,
          cell: expect.stringContaining(`\`${value}\``)
        })
    }
  })

  it('starts the Development section with the two commands for a fresh clone', () => {
    const dev = readme.split('\n## Development\n')[1] ?? ''
    const block = /```sh\n([\s\S]*?)```/.exec(dev)?.[1] ?? ''
    const commands = block
      .split('\n')
      .map(l => l.replace(/#.*$/, '').trim())
      .filter(Boolean)
    expect(commands).toEqual(['node scripts/local.mjs', 'npm ci && npm test'])
    // .ci/run must run the same test command.
    const ci = readFileSync(path.join(top, '.ci', 'run'), 'utf8')
    expect(ci).toMatch(/^npm ci\b/m)
    expect(ci).toMatch(/^npm test$/m)
  })
})

describe('scripts/local.mjs', () => {
  it('reads the same defaults from action.yml as a YAML parser does', async () => {
    const local = (await import(pathToFileURL(path.join(top, 'scripts', 'local.mjs')).href)) as {
      actionDefaults: (text: string) => Record<string, string>
    }
    const expected = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [name, input.default])
    )
    expect(local.actionDefaults(actionText)).toEqual(expected)
  })
})
