#!/usr/bin/env node
// Draws what `npm run bench -- --gain` measured (gain.json) as a bar chart, docs/gain.png, for
// the README: the archive actions/cache would save for each state of the tree, the time to
// create and extract it, and the first and second import after restoring it. Drawn from the JSON as SVG, rendered with headless
// Chromium (Debian package `chromium`); nothing in it is drawn by hand.
//
//   node scripts/gain-chart.mjs [--in DIR/gain.json] [--fs ext4] [--out docs/gain.png]
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { option as optionIn, screenshot } from './screenshot.mjs'

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const option = (name, fallback) => optionIn(process.argv.slice(2), name, fallback)
const input = resolve(option('--in', join(tmpdir(), 'pyclean-bench', 'gain.json')))
const out = resolve(option('--out', join(top, 'docs', 'gain.png')))
const all = JSON.parse(readFileSync(input, 'utf8'))
const fs = option('--fs', all[0]?.fs)
const rows = all.filter(r => r.fs === fs)
if (rows.length === 0) throw new Error(`no rows for file system '${fs}' in ${input}`)

const escape = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const WIDTH = 820
const LABEL = 190
const BAR = 18
const GAP = 10

/**
 * One panel of horizontal bars, scaled to its longest: `bars(row)` gives [value, colour, text]
 * per bar of a row.
 */
function panel(title, y0, bars) {
  const max = Math.max(...rows.flatMap(r => bars(r).map(([value]) => value)))
  const scale = (WIDTH - LABEL - 120) / max
  const parts = [`<text x="0" y="${y0}" class="title">${escape(title)}</text>`]
  let y = y0 + 14
  for (const row of rows) {
    const list = bars(row)
    const height = list.length * BAR
    parts.push(
      `<text x="${LABEL - 8}" y="${y + height / 2 + 5}" text-anchor="end">${escape(row.state)}</text>`
    )
    for (const [value, colour, text] of list) {
      const w = Math.max(1, value * scale)
      parts.push(
        `<rect x="${LABEL}" y="${y}" width="${w}" height="${BAR - 3}" fill="${colour}"/>`,
        `<text x="${LABEL + w + 6}" y="${y + BAR - 6}" class="value">${escape(text)}</text>`
      )
      y += BAR
    }
    y += GAP
  }
  return { svg: parts.join('\n'), end: y }
}

/** A bar of `row[key]` seconds. */
const seconds = (row, key, colour) => [row[key], colour, `${row[key].toFixed(2)} s`]
const mb = b => b / 1e6
const archive = panel('Archive actions/cache would save (tar | zstd -T0 --long=30)', 20, r => [
  [mb(r.archiveBytes), '#0969da', `${mb(r.archiveBytes).toFixed(0)} MB`]
])
const transfer = panel(
  'Creating the archive (dark) and extracting it (light), as the cache save and restore do',
  archive.end + 30,
  r => [seconds(r, 'createSeconds', '#1a7f37'), seconds(r, 'extractSeconds', '#4ac26b')]
)
const imports = panel(
  'Importing the same modules after a restore: first run (dark), second run (light)',
  transfer.end + 30,
  r => [seconds(r, 'firstImportSeconds', '#cf222e'), seconds(r, 'secondImportSeconds', '#ff8182')]
)
const height = imports.end + 10
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}">
<style>text { font: 13px "Noto Sans", Helvetica, Arial, sans-serif; fill: #1f2328 }
.title { font-weight: 600; font-size: 14px } .value { font-size: 12px }</style>
${archive.svg}
${transfer.svg}
${imports.svg}
</svg>`

screenshot(
  `<!doctype html><body style="margin:16px;background:#fff">${svg}</body>`,
  out,
  WIDTH + 32,
  height + 32
)
console.log(`Wrote ${out} from ${rows.length} rows of ${input} (file system: ${fs})`)
