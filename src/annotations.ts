import type { Failure } from './failure.js'
import { failureLine, type StepUser } from './failure-text.js'
import { formatCount } from './report.js'
import { SUMMARY_FAILURE_LIMIT } from './summary.js'

/** GitHub shows at most 10 warning annotations per step; the rest exist only in the log. */
export const ANNOTATION_LIMIT = 10

/** How the failures of a step reach the user: annotations, and the full list when they overflow. */
export interface FailureLog {
  /** One warning annotation per failure, at most `ANNOTATION_LIMIT`. */
  readonly warnings: readonly string[]
  /** Every failure line, for a log group; empty when all of them are warnings. */
  readonly group: readonly string[]
  /** The group's title. */
  readonly groupTitle: string
  /** The last warning, saying how many more there are and where: undefined when none. */
  readonly more: string | undefined
}

/** Where the failures can be seen besides the annotations, and how many annotations are left. */
export interface FailureWhere {
  readonly reportPath: string
  /** Whether a job summary is written. */
  readonly summary: boolean
  /**
   * Warning annotations still free in this step (others, such as a `path` line that matched
   * nothing, use up GitHub's 10 too); `ANNOTATION_LIMIT` when unset.
   */
  readonly budget?: number
}

/**
 * Splits `failures` (sorted by path) into what becomes an annotation and what only the log group,
 * the summary and the report file show, so no failure is lost without a word.
 */
export function failureLog(
  failures: readonly Failure[],
  user: StepUser | undefined,
  where: FailureWhere
): FailureLog {
  const lines = failures.map(f => failureLine(f, user))
  const groupTitle = `Failures (${formatCount(failures.length)})`
  const budget = Math.max(where.budget ?? ANNOTATION_LIMIT, 1)
  if (lines.length <= budget) return { warnings: lines, group: [], groupTitle, more: undefined }
  // The last annotation the step may show says where the rest are.
  const shown = budget - 1
  const rest = lines.length - shown
  const inSummary = where.summary
    ? lines.length <= SUMMARY_FAILURE_LIMIT
      ? ', in the job summary'
      : `, the first ${SUMMARY_FAILURE_LIMIT} in the job summary`
    : ''
  const more =
    `${formatCount(rest)} more ${rest === 1 ? 'failure is' : 'failures are'} not shown as ` +
    `annotations (GitHub shows ${ANNOTATION_LIMIT} per step). All ${formatCount(lines.length)} ` +
    `are in the log group '${groupTitle}'${inSummary}, and in the report file ${where.reportPath}.`
  return { warnings: lines.slice(0, shown), group: lines, groupTitle, more }
}
