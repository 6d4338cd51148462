// Typed mocks of the @actions/core functions src/main.ts uses, as in the actions/typescript-action
// template's __fixtures__/core.ts. Tests install them with
// `jest.unstable_mockModule('@actions/core', () => core)` before importing src, so no test can
// reach the real `setFailed` (which sets process.exitCode and fails jest after "all passed").
import { jest } from '@jest/globals'

type Core = typeof import('@actions/core')
type Summary = Core['summary']

export const getInput = jest.fn<Core['getInput']>()
export const setOutput = jest.fn<Core['setOutput']>()
export const setFailed = jest.fn<Core['setFailed']>()
export const info = jest.fn<Core['info']>()
export const debug = jest.fn<Core['debug']>()
export const warning = jest.fn<Core['warning']>()
export const isDebug = jest.fn<Core['isDebug']>().mockReturnValue(false)
export const exportVariable = jest.fn<Core['exportVariable']>()

/**
 * The runner's state between a main step and its post step. `saveState` records what the main
 * step saves; `getState` reads `state.saved`, which a test fills to play the post step (as the
 * runner hands the post step what the main step saved). Cleared before each test by the caller.
 */
export const state = { saved: {} as Record<string, string> }
export const saveState = jest.fn<Core['saveState']>()
export const getState = jest
  .fn<Core['getState']>()
  .mockImplementation(name => state.saved[name] ?? '')

/** Runs the callback, as the real `group` does between its ::group:: and ::endgroup:: lines. */
export const group = jest
  .fn<Core['group']>()
  .mockImplementation(async <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn())

/**
 * The job summary: `addRaw` returns the summary (so calls chain) and `write` resolves to it.
 * Only the members main.ts uses exist; the cast is the price of not building a whole `Summary`.
 */
export const summary = {
  addRaw: jest.fn<Summary['addRaw']>(),
  write: jest.fn<Summary['write']>()
}
const asSummary = summary as unknown as Summary
summary.addRaw.mockImplementation(() => asSummary)
summary.write.mockImplementation(async () => asSummary)
