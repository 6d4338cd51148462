// The job summary as a user sees it: rendered as GitHub renders Markdown (cmark-gfm, the C
// implementation of GitHub-flavoured Markdown, with the extensions GitHub enables; and marked
// with GFM), then checked on the HTML. A test of the Markdown text alone would not see that
// `__pycache__` turns into a bold "pycache".
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { marked } from 'marked'
import type { Failure } from '../src/failure.js'
import type { StepUser } from '../src/failure-text.js'
import {
  SUMMARY_FAILURE_LIMIT,
  SUMMARY_ROOT_LIMIT,
  summaryMarkdown,
  type SummaryInput
} from '../src/summary.js'
import { result } from '../__fixtures__/results.js'

const cmark = spawnSync('cmark-gfm', ['--version']).status === 0
// CI installs it (.ci/run, ci.yml): there, a missing cmark-gfm is a failure, not a skip.
if (!cmark && process.env.CI === 'true')
  throw new Error('CI must install cmark-gfm (Debian package).')
if (!cmark) console.log('summary.test.ts: cmark-gfm not installed; rendering with marked only.')

/** Renders Markdown as GitHub does, with each renderer at hand. */
const renderers: [string, (markdown: string) => string][] = [
  ['marked (GFM)', markdown => marked.parse(markdown, { gfm: true, async: false })],
  ...(cmark
    ? ([
        [
          'cmark-gfm',
          (markdown: string) => {
            const r = spawnSync(
              'cmark-gfm',
              [
                '--unsafe',
                '-e',
                'table',
                '-e',
                'autolink',
                '-e',
                'strikethrough',
                '-e',
                'tagfilter'
              ],
              { input: markdown, encoding: 'utf8' }
            )
            if (r.status !== 0) throw new Error(`cmark-gfm failed: ${r.stderr}`)
            return r.stdout
          }
        ]
      ] as [string, (markdown: string) => string][])
    : [])
]

const decode = (html: string): string =>
  html
    .replace(/<br ?\/?>/g, '\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

/** The text of every `<code>` element, as a reader sees it; undefined if one holds markup. */
function codeTexts(html: string): string[] {
  return [...html.matchAll(/<code>(.*?)<\/code>/gs)].map(m => {
    if (/<(?!br)/.test(m[1])) throw new Error(`markup inside <code>: ${m[1]}`)
    return decode(m[1])
  })
}

/** Tags Markdown would add if it read a name (bold is checked on its own). */
const MARKDOWN_TAGS = /<(em|a|del|li|ul|ol|blockquote|img|pre)\b/

const me: StepUser = { uid: 1001, gid: 1001, groups: [1001] }

/** Names a Markdown reader would mangle: emphasis, links, pipes, markup, entities, escapes. */
const hostile = [
  '/w/shut/__pycache__',
  '/w/a*b*c/_x_/**/__init__.cpython-312.pyc',
  '/w/[x](http://evil.example)/y.pyc',
  '/w/mail a@b.com www.example.com/z.pyc',
  '/w/~~gone~~/p|q/`tick`/<b>&amp;</b>/back\\slash\\_/#h!.pyc',
  '/w/two\nlines/\n\n# heading/m.pyc'
]

const failure = (p: string): Failure => ({
  path: p,
  operation: 'remove',
  attempt: 'unlink',
  code: 'EACCES',
  message: "EACCES: permission denied, unlink 'x'",
  blamed: { path: `${p}/..`, uid: 0, gid: 0, mode: 0o040555 }
})

const input = (overrides: Partial<SummaryInput> = {}): SummaryInput => ({
  results: [result()],
  dryRun: false,
  unmatched: [],
  user: me,
  ...overrides
})

describe.each(renderers)('the job summary rendered by %s', (_name, render) => {
  it('shows every path literally: roots, failures in both columns, path lines', () => {
    const html = render(
      summaryMarkdown(
        input({
          results: hostile.map(root => result({ root, failures: [failure(root)] })),
          unmatched: ['**/__missing__', 'a_b_c/[x]'],
          failing: ["1 'path' line matched no directory ('**/__missing__')"]
        })
      )
    )
    expect(html).not.toMatch(MARKDOWN_TAGS)
    expect([...html.matchAll(/<(h\d)>(.*?)<\/\1>/g)].map(m => m[2])).toEqual([
      'pyclean',
      `Failures (${hostile.length})`
    ])
    // The only bold text is the action's own: the status line, and the total row.
    for (const [, bold] of html.matchAll(/<strong>(.*?)<\/strong>/g)) {
      expect(bold).toMatch(/^(This step failed|Total|[\d,.]+( [KMGT]?i?B)?)$/)
    }
    const codes = codeTexts(html)
    for (const p of hostile) {
      // The Root column, and the Path column of the failures.
      expect({ p, times: codes.filter(c => c === p).length }).toEqual({ p, times: 2 })
    }
    expect(codes).toEqual(expect.arrayContaining(['**/__missing__', 'a_b_c/[x]', 'path']))
    // The hint names the directory as it is, with its mode bits.
    expect(decode(html)).toContain('/w/shut/__pycache__/.. is dr-xr-xr-x, owned by uid 0')
  })

  it('puts a status line first when the step fails, saying why', () => {
    const html = render(
      summaryMarkdown(input({ failing: ['2 entries could not be removed or read'] }))
    )
    const status = html.indexOf('<strong>This step failed</strong>')
    expect(status).toBeGreaterThan(html.indexOf('</h2>'))
    expect(status).toBeLessThan(html.indexOf('<table'))
    expect(decode(html)).toContain(
      'because <code>fail-on-error</code> is true: 2 entries could not be removed or read.'
    )
    expect(render(summaryMarkdown(input()))).not.toContain('This step failed')
  })

  it('marks a dry run with a plain bold line, not an alert a plain renderer shows as [!NOTE]', () => {
    const html = render(summaryMarkdown(input({ dryRun: true })))
    expect(html).toContain('<strong>Dry run: nothing was deleted.</strong>')
    expect(html).not.toContain('[!NOTE]')
    expect(html).toContain('<h2>pyclean: dry run</h2>')
  })

  it('says that no path line matched, instead of a table with only a zero total', () => {
    const html = render(
      summaryMarkdown(input({ results: [], unmatched: ['build/*/lib'], step: 'post' }))
    )
    expect(html).toContain('<h2>pyclean (post step)</h2>')
    expect(decode(html)).toContain(
      'No <code>path</code> line matched a directory: nothing was cleaned.'
    )
    expect(html).not.toContain('<table')
    expect(codeTexts(html)).toContain('build/*/lib')
  })

  it('has a total row for several roots only, and an On disk column only when it differs', () => {
    const one = render(summaryMarkdown(input()))
    expect(one).not.toContain('Total')
    expect(one).not.toContain('On disk')
    const two = render(
      summaryMarkdown(
        input({ results: [result(), result({ root: '/w/lib', bytesFreed: 300, diskFreed: 4096 })] })
      )
    )
    const cells = [...two.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map(m => m[1])
    expect(cells.slice(0, 6)).toEqual(['Root', 'Directories', 'Files', 'Size', 'On disk', 'Errors'])
    expect(cells.slice(-6)).toEqual([
      '<strong>Total</strong>',
      '<strong>6,238</strong>',
      '<strong>33,692</strong>',
      '<strong>317.0 MiB</strong>',
      '<strong>317.0 MiB</strong>',
      '<strong>0</strong>'
    ])
    expect(cells).toEqual(expect.arrayContaining(['300 B', '4.0 KiB']))
  })

  it('lists failures sorted by path, the first 50, then how many more and where', () => {
    const paths = Array.from(
      { length: SUMMARY_FAILURE_LIMIT + 7 },
      (_, i) => `/w/app/${String((i * 37) % 100).padStart(3, '0')}.pyc`
    )
    const html = render(
      summaryMarkdown(
        input({
          results: [
            result({ failures: paths.slice(0, 30).map(failure) }),
            result({ root: '/w/b', failures: paths.slice(30).map(failure) })
          ],
          reportPath: '/t/pyclean-report-main-1.json'
        })
      )
    )
    expect(html).toContain(`Failures (${paths.length})`)
    const listed = codeTexts(html).filter(c => c.startsWith('/w/app/'))
    expect(listed).toEqual([...paths].sort().slice(0, SUMMARY_FAILURE_LIMIT))
    expect(decode(html)).toContain(
      "…and 7 more: all are listed in the step's log and in the report file <code>/t/pyclean-report-main-1.json</code>."
    )
    expect(html).toMatch(/<td>delete file<\/td>/)
  })
})

describe('the job summary for many roots', () => {
  it(`has a row for the first ${SUMMARY_ROOT_LIMIT} roots only, then how many more, and the total of all`, () => {
    const results = Array.from({ length: 5000 }, (_, i) => result({ root: `/w/r${i}` }))
    const md = summaryMarkdown(input({ results }))
    expect(md.length).toBeLessThan(64 * 1024)
    expect(md.match(/<tr><td><code>/g)).toHaveLength(SUMMARY_ROOT_LIMIT)
    expect(md).toContain(`…and ${(5000 - SUMMARY_ROOT_LIMIT).toLocaleString('en-US')} more roots`)
    expect(md).toContain('<strong>15,595,000</strong>')
  })
})

describe('the job summary as Markdown text', () => {
  it('writes no line inside an HTML block that is blank, whatever the names hold', () => {
    const md = summaryMarkdown(
      input({ results: hostile.map(root => result({ root, failures: [failure(root)] })) })
    )
    // Names with line breaks are written as <br>: a blank line would end the block.
    const blocks = [...md.matchAll(/^<(table|p)>.*?<\/\1>$/gms)].map(m => m[0])
    expect(blocks.length).toBeGreaterThanOrEqual(2)
    for (const block of blocks) expect(block.split('\n').filter(l => l.trim() === '')).toEqual([])
  })
})
