import * as core from '@actions/core'
import { Inputs } from './constants.js'
import { getErrorMessage } from './errors.js'
import { cleanRoot, type RootResult } from './clean.js'
import {
  failOnErrorMessage,
  failureLine,
  outputs,
  progressLine,
  rootLine,
  summaryMarkdown,
  totalLine,
  totals
} from './report.js'
import { expandRoots } from './roots.js'
import { newProgress, type Progress } from './progress.js'
import { readSettings, type Settings } from './settings.js'

/** How often a long run prints a progress line. */
const PROGRESS_INTERVAL_MS = 5000

/** The action: settings → roots → scan and remove each root → log, outputs, summary. */
export async function run(): Promise<void> {
  try {
    const settings = readSettings(name => core.getInput(name))
    const started = Date.now()
    const { roots, unmatched, notes } = await expandRoots(settings.pathPatterns, settings.workspace)
    for (const note of notes) core.debug(note)
    for (const line of unmatched) {
      core.warning(`Input '${Inputs.Path}' has the line '${line}', which matched no directory.`)
    }
    if (settings.dryRun) core.info('Dry run: nothing will be deleted.')

    const results: RootResult[] = []
    const progress = newProgress()
    const timer = setInterval(
      () => core.info(progressLine(progress, settings.dryRun, Date.now() - started)),
      PROGRESS_INTERVAL_MS
    )
    try {
      for (const root of roots) results.push(await cleanOne(root, roots, settings, progress))
    } finally {
      clearInterval(timer)
    }

    const sums = totals(results)
    core.info(totalLine(sums, roots.length, settings.dryRun, Date.now() - started))
    for (const [name, value] of Object.entries(outputs(sums))) core.setOutput(name, value)

    if (settings.summary) {
      if (process.env.GITHUB_STEP_SUMMARY) {
        const markdown = summaryMarkdown({
          results,
          dryRun: settings.dryRun,
          unmatched,
          currentUid: process.getuid?.()
        })
        await core.summary.addRaw(markdown, true).write()
      } else {
        core.info('GITHUB_STEP_SUMMARY is not set (not on a runner?); no job summary written.')
      }
    }

    const failure = settings.failOnError ? failOnErrorMessage(sums, unmatched) : undefined
    if (failure !== undefined) throw new Error(failure)
  } catch (error) {
    core.setFailed(getErrorMessage(error))
  }
}

async function cleanOne(
  root: string,
  roots: readonly string[],
  settings: Settings,
  progress: Progress
): Promise<RootResult> {
  const started = Date.now()
  const verb = settings.dryRun ? 'Would remove' : 'Removed'
  const result = await core.group(`Cleaning ${root}`, async () => {
    const cleaned = await cleanRoot(root, {
      exclude: settings.exclude,
      includeVenvs: settings.includeVenvs,
      otherRoots: new Set(roots.filter(r => r !== root)),
      dryRun: settings.dryRun,
      progress,
      onRemoved: core.isDebug() ? p => core.debug(`${verb} ${p}`) : undefined
    })
    core.info(`Read ${cleaned.entries.toLocaleString('en-US')} entries.`)
    for (const dir of cleaned.excluded) core.debug(`Not entered (${Inputs.Exclude}): ${dir}`)
    for (const venv of cleaned.venvs) {
      core.info(`Skipped virtual environment ${venv} ('${Inputs.IncludeVenvs}' is false).`)
    }
    for (const note of cleaned.kept) core.info(`Kept ${note}.`)
    return cleaned
  })
  core.info(rootLine(result, settings.dryRun, Date.now() - started))
  for (const failure of result.failures) core.warning(failureLine(failure, process.getuid?.()))
  return result
}
