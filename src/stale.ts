import * as fs from 'node:fs'
import { sourceHash } from './source-hash.js'

/**
 * `mode: stale`: which bytecode Python will never use again (names are `names.ts`'s). A cached file is kept only when its
 * source is there and (for a timestamp-based `.pyc`) its header still matches that source, the
 * check the import system itself makes (PEP 3147, PEP 488, PEP 552).
 */

/** Flags of a PEP 552 header: bit 0, hash-based; bit 1, check the source hash. */
const FLAG_HASH_BASED = 0b01
const KNOWN_FLAGS = 0b11
const HEADER_BYTES = 16

const NOFOLLOW = (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0)

export type HeaderVerdict = 'current' | 'stale' | 'unknown'

/** Why `mode: stale` judged a file stale: counted per root in the log, given per file in the report. */
export type StaleReason =
  | 'source gone'
  | 'source changed'
  | 'hash mismatch'
  | 'other interpreter'
  | 'rejected header'
  | 'name never read'
  | 'legacy beside its source'
  | 'interrupted write'

/** What the header says against the source: `current`, `unknown` (kept), or why it is stale. */
export type HeaderJudgement = 'current' | 'unknown' | StaleReason

/**
 * Compares the header of the `.pyc` at `pycPath` with the source at `sourcePath`, as the import
 * system does before it uses the file:
 * - shorter than 16 bytes, a magic number not ending in `\r\n`, or unknown flags: Python rejects
 *   it and recompiles, so it is `stale`;
 * - timestamp-based: `stale` unless the source's mtime (whole seconds) and size, both modulo
 *   2^32, equal the ones recorded;
 * - hash-based (PEP 552): `stale` unless the source hash recorded equals the hash of the
 *   source's bytes now (`sourceHash`). For a checked-hash file that is the import system's own
 *   check; an unchecked-hash file whose source changed is worse than dead, since Python runs the
 *   old code, so it is judged the same way. Only these files have their source read.
 * A file or source that cannot be read is `unknown` (kept). The `.pyc` is opened without
 * following a link and without blocking.
 */
export function headerVerdict(pycPath: string, sourcePath: string): HeaderVerdict {
  const judged = headerJudgement(pycPath, sourcePath)
  return judged === 'current' || judged === 'unknown' ? judged : 'stale'
}

/** `headerVerdict`, with the reason when it is stale. */
export function headerJudgement(pycPath: string, sourcePath: string): HeaderJudgement {
  const header = Buffer.alloc(HEADER_BYTES)
  let length: number
  try {
    const fd = fs.openSync(pycPath, fs.constants.O_RDONLY | NOFOLLOW)
    try {
      length = fs.readSync(fd, header, 0, HEADER_BYTES, 0)
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return 'unknown'
  }
  if (length < HEADER_BYTES) return 'rejected header'
  if (header[2] !== 0x0d || header[3] !== 0x0a) return 'rejected header'
  const flags = header.readUInt32LE(4)
  if ((flags & ~KNOWN_FLAGS) !== 0) return 'rejected header'
  if ((flags & FLAG_HASH_BASED) !== 0) return hashVerdict(header, sourcePath)
  let source: fs.BigIntStats
  try {
    // The import system stats the source through links.
    source = fs.statSync(sourcePath, { bigint: true })
  } catch {
    return 'source gone'
  }
  return header.readUInt32LE(8) === pythonMtime(source.mtimeNs) &&
    header.readUInt32LE(12) === Number(source.size % 2n ** 32n)
    ? 'current'
    : 'source changed'
}

/**
 * `int(os.stat(p).st_mtime) & 0xFFFFFFFF`, computed as CPython does: `st_mtime` is the double
 * `sec + nsec * 1e-9`, which can round up to the next second.
 */
export function pythonMtime(mtimeNs: bigint): number {
  const sec = mtimeNs / 1_000_000_000n
  const nsec = mtimeNs % 1_000_000_000n
  const seconds = Math.trunc(Number(sec) + Number(nsec) * 1e-9)
  return ((seconds % 2 ** 32) + 2 ** 32) % 2 ** 32
}

/** A hash-based header against the source's bytes; `unknown` (kept) when they cannot be read. */
function hashVerdict(header: Buffer, sourcePath: string): HeaderJudgement {
  let source: Buffer
  try {
    // The import system reads the source through links.
    source = fs.readFileSync(sourcePath)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'source gone' : 'unknown'
  }
  return sourceHash(header.subarray(0, 4), source).equals(header.subarray(8, 16))
    ? 'current'
    : 'hash mismatch'
}
