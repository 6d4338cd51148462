import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Inputs, State, type InputName } from './constants.js'
import { getErrorMessage } from './errors.js'
import { cleanRoot, type RootResult } from './clean.js'
import { debrisMatcher, unselectedTopics, type DebrisMatcher } from './debris.js'
import { debrisHint } from './hint.js'
import { mountPointCheck } from './mounts.js'
import { ANNOTATION_LIMIT, failureLog, type FailureWhere } from './annotations.js'
import { currentUser, type StepUser } from './failure-text.js'
import {
  staleLine,
  sourcelessLine,
  trackedLine,
  unsureLine,
  failOnErrorMessage,
  failReasons,
  outputs,
  progressLine,
  rootLine,
  totalLine,
  totals
} from './report.js'
import { ReportFile, SKIPPED_VENV } from './report-file.js'
import { sortedFailures } from './failure.js'
import { summaryMarkdown } from './summary.js'
import { checkPatterns, expandRoots } from './roots.js'
import { newProgress, type Progress } from './progress.js'
import { readSettings, type Settings } from './settings.js'
import { findGit } from './git.js'
import { diskFreedCounter, type DiskFreed } from './disk-freed.js'
import { readInterpreters } from './interpreters.js'
import type { PycachePrefix } from './pycache-prefix.js'
import { NO_RULES, type StaleRules } from './stale.js'
import { BYTECODE_PATHSPECS, trackedLookup, type TrackedLookup } from './tracked.js'

/**
 * `core.info`, one line whatever it holds: a name with a line break would otherwise start a new
 * log line, which the runner could read as a workflow command (`::error::…`). Warnings, debug
 * lines and group titles are escaped by @actions/core itself.
 */
function info(line: string): void {
  core.info(line.replace(/\r\n|\r|\n/g, '\\n'))
}

/** How often a long run prints a progress line. */
const PROGRESS_INTERVAL_MS = 5000

/** Which step of the action is running: `post` is the one the runner runs at the end of the job. */
export type Step = 'main' | 'post'

/**
 * The main step: settings → (prevent, save for the post step) → roots → clean each root → log,
 * outputs, summary. Never throws: any failure ends in the one `setFailed`.
 */
export async function run(): Promise<void> {
  try {
    // First, so the post step knows it is the post step even when this one fails.
    core.saveState(State.IsPost, 'true')
    const inputs = readInputs()
    const settings = readSettings(name => inputs[name])

    if (settings.prevent) {
      core.exportVariable('PYTHONDONTWRITEBYTECODE', '1')
      info('Set PYTHONDONTWRITEBYTECODE=1 for the steps that follow: Python writes no bytecode.')
    }
    // The post step reads the same inputs back, so it cleans with the same settings. They are
    // saved only when this step succeeds: after a failed main step the post step does nothing.
    const saveForPost = (): void => {
      core.saveState(State.Inputs, JSON.stringify(inputs))
      info(
        `Will clean in the post step, at the end of the job ('${Inputs.When}: ${settings.when}').`
      )
    }
    if (settings.when === 'post') {
      // Nothing is cleaned now, but a bad `path` line fails now, not at the end of the job.
      await checkPatterns(settings.pathPatterns, settings.workspace)
      await staleRules(settings)
      saveForPost()
      info('Nothing is cleaned now; the outputs stay empty.')
      return
    }

    const { failure } = await clean(settings, 'main')
    if (failure !== undefined) throw new Error(failure)
    if (settings.when === 'both') saveForPost()
  } catch (error) {
    core.setFailed(getErrorMessage(error))
  }
}

/**
 * The post step, run by the runner at the end of the job in reverse order of the main steps:
 * cleans again with the main step's settings when `when` is `post` or `both`. It fails the job
 * only when `fail-on-error` is true; otherwise every problem is a warning.
 */
export async function runPost(): Promise<void> {
  const saved = core.getState(State.Inputs)
  if (saved === '') {
    core.debug(
      `Nothing to do in the post step ('${Inputs.When}' is 'now', or the main step failed).`
    )
    return
  }
  // Until the saved inputs are read back, a problem is a warning: the post step must not fail
  // a job that did not ask for it.
  let failOnError = false
  try {
    const inputs = JSON.parse(saved) as Partial<Record<InputName, string>>
    const settings = readSettings(name => inputs[name] ?? '')
    failOnError = settings.failOnError
    info(`Post step: cleaning with the main step's settings ('${Inputs.When}: ${settings.when}').`)
    const { failure } = await clean(settings, 'post')
    if (failure !== undefined) throw new Error(failure)
  } catch (error) {
    if (failOnError) core.setFailed(getErrorMessage(error))
    else core.warning(getErrorMessage(error))
  }
}

/** Every input, as `core.getInput` reads it. */
function readInputs(): Record<InputName, string> {
  const inputs = {} as Record<InputName, string>
  for (const name of Object.values(Inputs)) inputs[name] = core.getInput(name)
  return inputs
}

/**
 * Cleans every root, logs, writes the report file, the outputs (main step only) and the summary.
 * Returns the message to fail with when `fail-on-error` is true and something went wrong.
 */
async function clean(settings: Settings, step: Step): Promise<{ failure: string | undefined }> {
  const started = Date.now()
  const judging = await staleRules(settings)
  const { roots, unmatched, notes } = await expandRoots(settings.pathPatterns, settings.workspace)
  for (const note of notes) core.debug(note)
  for (const line of unmatched) {
    core.warning(`Input '${Inputs.Path}' has the line '${line}', which matched no directory.`)
  }
  /** Warnings this step issued so far: they count against GitHub's annotation limit. */
  let warned = unmatched.length
  if (settings.dryRun) info('Dry run: nothing will be deleted.')

  const report = new ReportFile(reportPath(step), {
    step,
    dryRun: settings.dryRun,
    mode: settings.mode,
    debris: settings.debris
  })
  const user = currentUser()
  const results: RootResult[] = []
  const progress = newProgress()
  const timer = setInterval(
    () => info(progressLine(progress, settings.dryRun, Date.now() - started)),
    PROGRESS_INTERVAL_MS
  )
  try {
    const debris = debrisMatcher(settings.debris)
    const tracked = await trackedGuard(settings, debris)
    const run: CleanRun = {
      roots,
      settings,
      debris,
      unselected: debrisMatcher(unselectedTopics(settings.debris)),
      workingDirs: workingDirs(),
      isMountPoint: mountPointCheck(),
      progress,
      report,
      tracked,
      judging,
      disk: diskFreedCounter()
    }
    for (const root of roots) results.push(await cleanOne(root, run))
    for (const note of tracked?.notes ?? []) core.debug(note)
    for (const warning of tracked?.warnings ?? []) core.warning(warning)
    warned += tracked?.warnings.length ?? 0
  } finally {
    clearInterval(timer)
    report.finish(results, user)
  }

  const sums = totals(results)
  const total = totalLine(sums, roots.length, settings.dryRun, Date.now() - started)
  if (total !== undefined) info(total)
  await logFailures(results, user, {
    reportPath: report.path,
    summary: settings.summary,
    budget: ANNOTATION_LIMIT - warned
  })
  info(`Report: ${report.path}`)
  if (step === 'main') {
    for (const [name, value] of Object.entries(outputs(sums, report.path))) {
      core.setOutput(name, value)
    }
  }

  if (settings.summary) {
    if (process.env.GITHUB_STEP_SUMMARY) {
      const markdown = summaryMarkdown({
        results,
        dryRun: settings.dryRun,
        unmatched,
        user,
        step,
        failing: settings.failOnError ? failReasons(sums, unmatched) : [],
        reportPath: report.path
      })
      await core.summary.addRaw(markdown, true).write()
    } else {
      info('GITHUB_STEP_SUMMARY is not set (not on a runner?); no job summary written.')
    }
  }

  return { failure: settings.failOnError ? failOnErrorMessage(sums, unmatched) : undefined }
}

/**
 * One warning annotation per failure, sorted by path, at most GitHub's 10 per step; past that,
 * every failure in a log group and one warning that says how many more there are and where.
 */
async function logFailures(
  results: readonly RootResult[],
  user: StepUser | undefined,
  where: FailureWhere
): Promise<void> {
  const log = failureLog(sortedFailures(results), user, where)
  if (log.group.length > 0) {
    await core.group(log.groupTitle, async () => {
      for (const line of log.group) info(line)
    })
  }
  for (const warning of log.warnings) core.warning(warning)
  if (log.more !== undefined) core.warning(log.more)
}

/** A new file in the runner's temporary directory (emptied after each job). */
function reportPath(step: Step): string {
  const dir = process.env.RUNNER_TEMP || os.tmpdir()
  return path.join(dir, `pyclean-report-${step}-${Date.now()}-${process.pid}.json`)
}

/** The working directory (its real path, as roots are) and every directory above it. */
function workingDirs(): Set<string> {
  const dirs = new Set<string>()
  let dir: string
  try {
    dir = fs.realpathSync.native(process.cwd())
  } catch {
    return dirs
  }
  for (;;) {
    dirs.add(dir)
    const parent = path.dirname(dir)
    if (parent === dir) return dirs
    dir = parent
  }
}

/** What every root of one clean shares. */
interface CleanRun {
  readonly roots: readonly string[]
  readonly settings: Settings
  /** The `debris` topics' matcher, built once for every root. */
  readonly debris: DebrisMatcher
  /** The topics `debris` leaves out: their entries are counted for a hint. */
  readonly unselected: DebrisMatcher
  /** This process's working directory and those above it: never removed. */
  readonly workingDirs: ReadonlySet<string>
  /** Mount points stay; decided once for every root (`mountPointCheck` reads the list once). */
  readonly isMountPoint: (dir: string) => boolean
  readonly progress: Progress
  readonly report: ReportFile
  /** What git tracks, when `keep-tracked` is true and git is on PATH. */
  readonly tracked: TrackedLookup | undefined
  /** `mode: stale`: the `python` interpreters and PYTHONPYCACHEPREFIX. */
  readonly judging: StaleRules
  /** What the removals give back on disk, over all roots (hard links across roots count once). */
  readonly disk: DiskFreed
}

/**
 * The guard `keep-tracked` asks for: git, limited to the names this run could remove; undefined
 * when it is off or there is no git (then there is nothing to keep, and one debug line says so).
 */
async function trackedGuard(
  settings: Settings,
  debris: DebrisMatcher
): Promise<TrackedLookup | undefined> {
  if (!settings.keepTracked) return undefined
  const git = await findGit()
  if (git === undefined) {
    core.debug(`No git on PATH: '${Inputs.KeepTracked}' has nothing to keep.`)
    return undefined
  }
  return trackedLookup(git, [...BYTECODE_PATHSPECS, ...debris.pathspecs])
}

/**
 * `mode: stale`: what the `python` input's interpreters say of themselves (each run once; one
 * that cannot be run throws, naming its line) and PYTHONPYCACHEPREFIX. In `mode: all` neither
 * changes anything, and `python` is not run.
 */
async function staleRules(settings: Settings): Promise<StaleRules> {
  if (settings.mode !== 'stale') {
    if (settings.python.length > 0) {
      info(`Input '${Inputs.Python}' changes nothing in 'mode: all': all bytecode goes.`)
    }
    return NO_RULES
  }
  const interpreters = await readInterpreters(settings.python, settings.workspace)
  for (const i of interpreters) {
    info(`Judging for ${i.line}: Python ${i.version}, cache tag ${i.tag}, magic number ${i.magic}.`)
  }
  const prefix = settings.pycachePrefix && realPrefix(settings.pycachePrefix)
  if (prefix !== undefined) {
    info(
      `PYTHONPYCACHEPREFIX is ${prefix.dir}: bytecode below it is judged against the source ` +
        `it mirrors.`
    )
  }
  return { interpreters, prefix }
}

/**
 * The prefix with its links resolved, as the walk's paths are (when it exists): a file below it
 * is then recognised whatever path led to it.
 */
function realPrefix(prefix: PycachePrefix): PycachePrefix {
  try {
    return { ...prefix, dir: fs.realpathSync.native(prefix.dir) }
  } catch {
    return prefix
  }
}

async function cleanOne(root: string, run: CleanRun): Promise<RootResult> {
  const { roots, settings, debris, unselected, progress, report, tracked, judging, disk } = run
  const started = Date.now()
  const verb = settings.dryRun ? 'Would remove' : 'Removed'
  const debug = core.isDebug()
  const result = await core.group(`Cleaning ${root}`, async () => {
    const cleaned = await cleanRoot(root, {
      exclude: settings.exclude,
      includeVenvs: settings.includeVenvs,
      otherRoots: new Set(roots.filter(r => r !== root)),
      debris,
      unselected,
      removeEmpty: settings.removeEmpty,
      workingDirs: run.workingDirs,
      isMountPoint: run.isMountPoint,
      mode: settings.mode,
      keepSourceless: settings.keepSourceless,
      judging,
      tracked,
      disk,
      onJudged: (p, reason) => report.judged(p, reason),
      dryRun: settings.dryRun,
      progress,
      onRemoved: p => {
        report.removed(p)
        if (debug) core.debug(`${verb} ${p}`)
      }
    })
    info(`Read ${cleaned.entries.toLocaleString('en-US')} entries.`)
    for (const dir of cleaned.excluded) core.debug(`Not entered (${Inputs.Exclude}): ${dir}`)
    for (const venv of cleaned.venvs) info(`Skipped ${venv}: ${SKIPPED_VENV}.`)
    for (const kept of cleaned.kept) info(`Kept ${kept.path}: ${kept.reason}.`)
    for (const line of [
      staleLine(cleaned.stale),
      sourcelessLine(cleaned.sourceless),
      trackedLine(cleaned.tracked),
      unsureLine(cleaned.unsure),
      debrisHint(cleaned.unselected, settings.debris, settings.keepTracked)
    ]) {
      if (line !== undefined) info(line)
    }
    return cleaned
  })
  info(rootLine(result, settings.dryRun, Date.now() - started))
  return result
}
