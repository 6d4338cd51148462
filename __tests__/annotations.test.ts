// GitHub shows at most 10 warning annotations per step: past that, failures must not vanish
// from view without a word.
import { describe, expect, it } from '@jest/globals'
import { ANNOTATION_LIMIT, failureLog } from '../src/annotations.js'
import type { Failure } from '../src/failure.js'

const failures = (n: number): Failure[] =>
  Array.from({ length: n }, (_, i) => ({
    path: `/w/app/${String(i).padStart(3, '0')}.pyc`,
    operation: 'remove',
    attempt: 'unlink',
    code: 'EIO',
    message: 'EIO'
  }))

const where = { reportPath: '/t/report.json', summary: true }

describe('failureLog', () => {
  it('makes every failure a warning while there are at most 10', () => {
    const log = failureLog(failures(ANNOTATION_LIMIT), undefined, where)
    expect(log.warnings).toHaveLength(10)
    expect(log.group).toEqual([])
    expect(log.more).toBeUndefined()
  })

  it('past 10: the first 9 as warnings, all in a log group, and a 10th saying where the rest are', () => {
    const log = failureLog(failures(60), undefined, where)
    expect(log.warnings).toHaveLength(9)
    expect(log.warnings[0]).toBe(
      'Could not delete file /w/app/000.pyc: EIO. The disk or the file system reported an I/O error.'
    )
    expect(log.group).toHaveLength(60)
    expect(log.groupTitle).toBe('Failures (60)')
    expect(log.more).toBe(
      '51 more failures are not shown as annotations (GitHub shows 10 per step). All 60 are in ' +
        "the log group 'Failures (60)', the first 50 in the job summary, and in the report file " +
        '/t/report.json.'
    )
  })

  it('names the summary only when one is written, and all of it when it holds them all', () => {
    expect(failureLog(failures(11), undefined, where).more).toContain(
      "'Failures (11)', in the job summary, and in the report file"
    )
    const noSummary = failureLog(failures(11), undefined, { ...where, summary: false })
    expect(noSummary.more).toBe(
      '2 more failures are not shown as annotations (GitHub shows 10 per step). All 11 are in ' +
        "the log group 'Failures (11)', and in the report file /t/report.json."
    )
  })

  it("leaves room for the step's other warnings: 3 used, 6 failures and the note", () => {
    const log = failureLog(failures(20), undefined, { ...where, budget: 7 })
    expect(log.warnings).toHaveLength(6)
    expect(log.more).toMatch(/^14 more failures/)
    const fits = failureLog(failures(7), undefined, { ...where, budget: 7 })
    expect(fits.warnings).toHaveLength(7)
    expect(fits.more).toBeUndefined()
  })
})
