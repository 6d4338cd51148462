import type { RootResult } from './clean.js'
import { sortedFailures, type Failure } from './failure.js'
import { attemptWords, failureReason, type StepUser } from './failure-text.js'
import { FIRST_PATHS, formatBytes, formatCount, totals } from './report.js'

/** Most failures listed in the summary (GitHub caps a summary at 1 MiB). */
export const SUMMARY_FAILURE_LIMIT = 50

/** Most roots with a row of their own (a `**` pattern can match thousands). */
export const SUMMARY_ROOT_LIMIT = 100

export interface SummaryInput {
  readonly results: readonly RootResult[]
  readonly dryRun: boolean
  readonly unmatched: readonly string[]
  readonly user: StepUser | undefined
  /** The post step writes its own section, headed as such. */
  readonly step?: 'main' | 'post'
  /** Why the step fails (`fail-on-error: true`), one clause per cause; empty when it passes. */
  readonly failing?: readonly string[]
  /** The report file, named where the summary lists only the first failures. */
  readonly reportPath?: string
}

/**
 * The job summary: a heading, a status line when the step fails, a dry-run line, a table per
 * root with a total for several, and the failures sorted by path.
 *
 * Everything but the headings is written as HTML blocks (as `core.summary.addTable` writes its
 * tables), with every name HTML-escaped: GitHub-flavoured Markdown reads nothing inside an HTML
 * block, so `__pycache__` stays `__pycache__`, not a bold "pycache", and no name can become
 * emphasis, a link or a table cell. A block ends at a blank line, so line breaks in a name are
 * written as `<br>`.
 */
export function summaryMarkdown(input: SummaryInput): string {
  const { results, dryRun } = input
  const post = input.step === 'post' ? ' (post step)' : ''
  const out: string[] = [dryRun ? `## pyclean: dry run${post}` : `## pyclean${post}`, '']
  const failing = input.failing ?? []
  if (failing.length > 0) {
    out.push(
      `<p><strong>This step failed</strong> because <code>fail-on-error</code> is true: ` +
        `${html(failing.join(', and '))}.</p>`,
      ''
    )
  }
  if (dryRun) {
    out.push(
      '<p><strong>Dry run: nothing was deleted.</strong> The numbers are what a real run ' +
        'would remove.</p>',
      ''
    )
  }
  if (results.length === 0) {
    out.push('<p>No <code>path</code> line matched a directory: nothing was cleaned.</p>', '')
  } else {
    out.push(rootsTable(results), '')
  }
  const tracked = results.flatMap(r => r.tracked)
  if (tracked.length > 0) out.push(trackedParagraph(tracked), '')
  if (input.unmatched.length > 0) {
    out.push(
      `<p><code>path</code> lines that matched no directory: ` +
        `${input.unmatched.map(code).join(', ')}</p>`,
      ''
    )
  }
  const failures = sortedFailures(results)
  if (failures.length > 0) out.push(...failuresSection(failures, input), '')
  return out.join('\n')
}

/** The files kept because git tracks them: how many, and the first few. */
function trackedParagraph(paths: readonly string[]): string {
  const shown = paths.slice(0, FIRST_PATHS).map(code).join(', ')
  const more = paths.length - FIRST_PATHS
  return (
    `<p>Kept ${formatCount(paths.length)} ${paths.length === 1 ? 'file' : 'files'} that git ` +
    `tracks (<code>keep-tracked</code> is true): ${shown}` +
    `${more > 0 ? `, and ${formatCount(more)} more (all in the report file)` : ''}.</p>`
  )
}

const num = (text: string): string => `<td align="right">${text}</td>`

function rootsTable(results: readonly RootResult[]): string {
  // An "On disk" column only when some root freed a different amount than its size.
  const disk = results.some(r => formatBytes(r.diskFreed) !== formatBytes(r.bytesFreed))
  const head =
    '<tr><th align="left">Root</th><th align="right">Directories</th>' +
    '<th align="right">Files</th><th align="right">Size</th>' +
    `${disk ? '<th align="right">On disk</th>' : ''}<th align="right">Errors</th></tr>`
  const row = (
    root: string,
    r: { dirs: number; files: number; bytes: number; disk: number; errors: number }
  ): string =>
    `<tr><td>${root}</td>${num(formatCount(r.dirs))}${num(formatCount(r.files))}` +
    `${num(formatBytes(r.bytes))}${disk ? num(formatBytes(r.disk)) : ''}` +
    `${num(formatCount(r.errors))}</tr>`
  const rows = results.slice(0, SUMMARY_ROOT_LIMIT).map(r =>
    row(code(r.root), {
      dirs: r.dirsRemoved,
      files: r.filesRemoved,
      bytes: r.bytesFreed,
      disk: r.diskFreed,
      errors: r.failures.length
    })
  )
  if (results.length > SUMMARY_ROOT_LIMIT) {
    const rest = results.length - SUMMARY_ROOT_LIMIT
    const span = disk ? 6 : 5
    rows.push(
      `<tr><td colspan="${span}">…and ${formatCount(rest)} more roots (each in the report ` +
        'file; the total counts them all)</td></tr>'
    )
  }
  if (results.length > 1) {
    const bold = (text: string): string => `<strong>${text}</strong>`
    const t = totals(results)
    rows.push(
      `<tr><td>${bold('Total')}</td>${num(bold(formatCount(t.dirs)))}` +
        `${num(bold(formatCount(t.files)))}${num(bold(formatBytes(t.bytes)))}` +
        `${disk ? num(bold(formatBytes(t.disk))) : ''}${num(bold(formatCount(t.errors)))}</tr>`
    )
  }
  return ['<table>', head, ...rows, '</table>'].join('\n')
}

function failuresSection(failures: readonly Failure[], input: SummaryInput): string[] {
  const shown = failures.slice(0, SUMMARY_FAILURE_LIMIT)
  const out = [
    `### Failures (${formatCount(failures.length)})`,
    '',
    '<table>',
    '<tr><th align="left">Path</th><th align="left">Attempted</th><th align="left">Error</th></tr>',
    ...shown.map(
      f =>
        `<tr><td>${code(f.path)}</td><td>${html(attemptWords(f.attempt))}</td>` +
        `<td>${html(failureReason(f, input.user))}</td></tr>`
    ),
    '</table>'
  ]
  if (failures.length > shown.length) {
    const where =
      input.reportPath === undefined ? '' : ` and in the report file ${code(input.reportPath)}`
    out.push(
      '',
      `<p>…and ${formatCount(failures.length - shown.length)} more: all are listed in the ` +
        `step's log${where}.</p>`
    )
  }
  return out
}

/** A name as code. */
function code(text: string): string {
  return `<code>${html(text)}</code>`
}

/** Text for an HTML block: markup escaped, and line breaks (which could end it) as `<br>`. */
export function html(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r\n|\r|\n/g, '<br>')
}
