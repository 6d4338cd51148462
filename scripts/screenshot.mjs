// Renders an HTML page to a PNG with headless Chromium (Debian package `chromium`), for the
// pictures in docs/ (scripts/summary-png.mjs, scripts/gain-chart.mjs).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** The value after `name` in `args`, or `fallback`. */
export function option(args, name, fallback) {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}

/** Screenshots `html` at `width` × `height` CSS pixels into `out`. */
export function screenshot(html, out, width, height) {
  const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find(
    c => spawnSync(c, ['--version']).status === 0
  )
  if (chromium === undefined) throw new Error('needs Chromium: apt-get install chromium')
  const scratch = mkdtempSync(join(tmpdir(), 'pyclean-png-page-'))
  try {
    const page = join(scratch, 'page.html')
    writeFileSync(page, html)
    mkdirSync(dirname(out), { recursive: true })
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        '--hide-scrollbars',
        '--force-device-scale-factor=1',
        `--window-size=${width},${height}`,
        `--screenshot=${out}`,
        `file://${page}`
      ],
      { stdio: 'ignore' }
    )
    if (!existsSync(out)) throw new Error('Chromium wrote no screenshot')
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
