import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

/** action.yml as parsed by a real YAML parser: tests take defaults from it, never restate them. */
export interface ActionYml {
  readonly name: string
  readonly description: string
  readonly author?: string
  readonly branding?: { readonly icon: string; readonly color: string }
  readonly inputs: Record<string, { description: string; default?: string; required?: boolean }>
  readonly outputs: Record<string, { description: string }>
  readonly runs: { using: string; main: string; post?: string }
}

export const actionPath = new URL('../action.yml', import.meta.url)
export const actionText = readFileSync(actionPath, 'utf8')
export const action = parse(actionText) as ActionYml

/** Every input's default, as the runner applies them. */
export const actionDefaults: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])
)
