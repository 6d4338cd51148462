import * as fs from 'node:fs'
import * as path from 'node:path'
import type { RootResult } from './clean.js'
import { errorCode, getErrorMessage } from './errors.js'
import { failureHint, systemError, systemText, type StepUser } from './failure-text.js'
import { totals } from './report.js'
import { SOURCELESS_REASON } from './sourceless.js'
import { sortedFailures } from './failure.js'
import { UNKNOWN_REASON } from './tracked.js'

/** Bytes gathered before one write: paths are streamed, never all held in memory. */
const FLUSH_BYTES = 64 * 1024

/** What the report says about the run, besides the paths. */
export interface ReportHeader {
  /** `main` or `post`: which step of the action wrote it. */
  readonly step: 'main' | 'post'
  readonly dryRun: boolean
  readonly mode: string
  readonly debris: readonly string[]
}

/** Why an entry below a root was not entered, for the report's `skipped`. */
export const SKIPPED_VENV = "environment ('include-venvs' is false)"
export const SKIPPED_EXCLUDED = "matches 'exclude'"

/**
 * The JSON file behind the `report` output: every removed path (in a dry run, every path that
 * would be removed), every failure with its error, what was kept and skipped and why, and the
 * totals per root and overall.
 *
 * ```json
 * { "version": 1, "step": "main", "dryRun": false, "mode": "all", "debris": [],
 *   "removed": ["/w/app/pkg/__pycache__/m.cpython-312.pyc", "/w/app/pkg/__pycache__"],
 *   "failures": [{ "path": "…", "operation": "remove", "attempt": "unlink", "code": "EACCES",
 *                  "message": "…", "hint": "…" }],
 *   "kept": [{ "path": "/w/app/data/__pycache__", "reason": "holds entries that are not bytecode" }],
 *   "skipped": [{ "path": "/w/app/.venv", "reason": "environment ('include-venvs' is false)" }],
 *   "roots": [{ "root": "/w/app", "filesRemoved": 1, "dirsRemoved": 1, "bytesFreed": 912,
 *               "diskFreed": 4096, "errors": 0 }],
 *   "totals": { "filesRemoved": 1, "dirsRemoved": 1, "bytesFreed": 912, "diskFreed": 4096,
 *               "errors": 0 } }
 * ```
 *
 * Failures are sorted by path. Paths are written as they come (`removed` is called from the
 * remover's `onRemoved`), in chunks, so a run over a million entries does not hold a million
 * paths.
 */
export class ReportFile {
  private readonly fd: number
  private buffer: string[] = []
  private buffered = 0
  private first = true
  /** `mode: stale`: why each bytecode file handed over for removal was judged stale. */
  private readonly judgedStale: { path: string; reason: string }[] = []

  /** Creates (or truncates) the file at `path` and writes the header. */
  constructor(
    readonly path: string,
    header: ReportHeader
  ) {
    this.fd = openReport(path)
    const head = JSON.stringify({ version: 1, ...header })
    // Open the object again after the header's fields, to stream "removed" into it.
    this.push(`${head.slice(0, -1)},"removed":[`)
  }

  /** Records one removed path. */
  removed(path: string): void {
    this.push(`${this.first ? '\n' : ',\n'}${JSON.stringify(path)}`)
    this.first = false
  }

  /** Records why `path` was judged stale (`mode: stale`). */
  judged(path: string, reason: string): void {
    this.judgedStale.push({ path, reason })
  }

  /** Writes the failures, what was kept and skipped, the totals, and closes the file. */
  finish(results: readonly RootResult[], user: StepUser | undefined): void {
    try {
      const sums = totals(results)
      const rest = {
        failures: sortedFailures(results).map(f => ({
          path: f.path,
          operation: f.operation,
          attempt: f.attempt,
          code: f.code ?? null,
          message: systemError(f),
          hint: failureHint(f, user) ?? null
        })),
        tracked: results.flatMap(r => r.tracked),
        stale: this.judgedStale,
        kept: results.flatMap(r => [
          ...r.kept,
          ...r.sourceless.map(p => ({ path: p, reason: SOURCELESS_REASON })),
          ...r.unsure.map(p => ({ path: p, reason: UNKNOWN_REASON }))
        ]),
        skipped: results.flatMap(r => [
          ...r.venvs.map(p => ({ path: p, reason: SKIPPED_VENV })),
          ...r.excluded.map(p => ({ path: p, reason: SKIPPED_EXCLUDED }))
        ]),
        roots: results.map(r => ({
          root: r.root,
          filesRemoved: r.filesRemoved,
          dirsRemoved: r.dirsRemoved,
          bytesFreed: r.bytesFreed,
          diskFreed: r.diskFreed,
          trackedFiles: r.tracked.length,
          errors: r.failures.length
        })),
        totals: {
          filesRemoved: sums.files,
          dirsRemoved: sums.dirs,
          bytesFreed: sums.bytes,
          diskFreed: sums.disk,
          trackedFiles: sums.tracked,
          errors: sums.errors
        }
      }
      this.push(`${this.first ? '' : '\n'}],${JSON.stringify(rest).slice(1)}\n`)
      this.flush()
    } finally {
      fs.closeSync(this.fd)
    }
  }

  private push(text: string): void {
    this.buffer.push(text)
    this.buffered += text.length
    if (this.buffered >= FLUSH_BYTES) this.flush()
  }

  private flush(): void {
    if (this.buffer.length === 0) return
    fs.writeSync(this.fd, this.buffer.join(''))
    this.buffer = []
    this.buffered = 0
  }
}

/**
 * Opens the report file for writing, or throws an error that names it and says how to fix it:
 * a RUNNER_TEMP this step's user cannot write (another user's directory on a self-hosted
 * runner, or one shared between users) is the usual cause.
 */
function openReport(file: string): number {
  try {
    return fs.openSync(file, 'w')
  } catch (error) {
    const code = errorCode(error)
    const dir = path.dirname(file)
    const fix =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `this step's user may not write in ${dir}: make RUNNER_TEMP a directory it owns ` +
          '(on a self-hosted runner, check the owner of its _temp directory)'
        : `RUNNER_TEMP must be an existing directory this step can write (${dir})`
    throw new Error(
      `Could not create the report file ${file}: ${systemText(code, getErrorMessage(error))}. ` +
        `To fix: ${fix}.`,
      { cause: error }
    )
  }
}
