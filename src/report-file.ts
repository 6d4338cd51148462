import * as fs from 'node:fs'
import type { RootResult } from './clean.js'
import { totals } from './report.js'

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

/**
 * The JSON file behind the `report` output: every removed path (in a dry run, every path that
 * would be removed), every failure with its error, and the totals per root and overall.
 *
 * ```json
 * { "version": 1, "step": "main", "dryRun": false, "mode": "all", "debris": [],
 *   "removed": ["/w/app/pkg/__pycache__/m.cpython-312.pyc", "/w/app/pkg/__pycache__"],
 *   "failures": [{ "path": "…", "operation": "remove", "code": "EACCES", "message": "…" }],
 *   "roots": [{ "root": "/w/app", "filesRemoved": 1, "dirsRemoved": 1, "bytesFreed": 912,
 *               "errors": 0 }],
 *   "totals": { "filesRemoved": 1, "dirsRemoved": 1, "bytesFreed": 912, "errors": 0 } }
 * ```
 *
 * Paths are written as they come (`removed` is called from the remover's `onRemoved`), in
 * chunks, so a run over a million entries does not hold a million paths.
 */
export class ReportFile {
  private readonly fd: number
  private buffer: string[] = []
  private buffered = 0
  private first = true

  /** Creates (or truncates) the file at `path` and writes the header. */
  constructor(
    readonly path: string,
    header: ReportHeader
  ) {
    this.fd = fs.openSync(path, 'w')
    const head = JSON.stringify({ version: 1, ...header })
    // Open the object again after the header's fields, to stream "removed" into it.
    this.push(`${head.slice(0, -1)},"removed":[`)
  }

  /** Records one removed path. */
  removed(path: string): void {
    this.push(`${this.first ? '\n' : ',\n'}${JSON.stringify(path)}`)
    this.first = false
  }

  /** Writes the failures and totals, and closes the file. */
  finish(results: readonly RootResult[]): void {
    try {
      const sums = totals(results)
      const rest = {
        failures: results.flatMap(r =>
          r.failures.map(f => ({
            path: f.path,
            operation: f.operation,
            code: f.code ?? null,
            message: f.message
          }))
        ),
        roots: results.map(r => ({
          root: r.root,
          filesRemoved: r.filesRemoved,
          dirsRemoved: r.dirsRemoved,
          bytesFreed: r.bytesFreed,
          errors: r.failures.length
        })),
        totals: {
          filesRemoved: sums.files,
          dirsRemoved: sums.dirs,
          bytesFreed: sums.bytes,
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
