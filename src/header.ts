import * as fs from 'node:fs'
import { vanished } from './failure.js'
import { sourceHash } from './source-hash.js'

/**
 * What a bytecode file's 16-byte header says against its source: the checks the import system
 * makes before it uses a cached file (PEP 3147, PEP 488, PEP 552), and the ones pytest makes
 * before it uses an assertion-rewrite cache.
 */

/** Flags of a PEP 552 header: bit 0, hash-based; bit 1, check the source hash. */
const FLAG_HASH_BASED = 0b01
const KNOWN_FLAGS = 0b11
const HEADER_BYTES = 16
/** Magic numbers (`importlib/_bootstrap_external.py`'s list): 3.0a, 3.3a (size added), 3.7b1 (PEP 552). */
const FIRST_PY3 = 3000
const FIRST_WITH_SIZE = 3210
const FIRST_PEP552 = 3392

const NOFOLLOW = (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0)

export type HeaderVerdict = 'current' | 'stale' | 'unknown'

/** Why a header makes its file dead. */
export type HeaderFault =
  'source gone' | 'source changed' | 'hash mismatch' | 'bad magic' | 'rejected header'

/** What the header says against the source: `current`, `unknown` (kept), or why it is dead. */
export type HeaderJudgement = 'current' | 'unknown' | HeaderFault

/** What the reader of the file expects of its header, beyond the format. */
export interface HeaderExpectation {
  /**
   * The magic numbers (8 hex digits, as the file's first 4 bytes) of the interpreters that read
   * this file's tag; undefined when they are not known (then any magic ending in `\r\n` goes).
   */
  readonly magics?: ReadonlySet<string>
  /**
   * pytest's reader (`_pytest.assertion.rewrite._read_pyc`): it accepts only flags 0
   * (timestamp-based); the import system also accepts hash-based files.
   */
  readonly timestampOnly?: boolean
}

/** `headerJudgement`, as current, stale or unknown. */
export function headerVerdict(
  pycPath: string,
  sourcePath: string,
  expect: HeaderExpectation = {}
): HeaderVerdict {
  const judged = headerJudgement(pycPath, sourcePath, expect)
  return judged === 'current' || judged === 'unknown' ? judged : 'stale'
}

/**
 * Compares the header of the `.pyc` at `pycPath` with the source at `sourcePath`, as its reader
 * does before it uses the file:
 * - a magic number that is not one of `expect.magics` (when known): `bad magic`;
 * - shorter than 16 bytes, a magic number not ending in `\r\n`, or unknown flags (any flag for
 *   pytest): Python rejects it and recompiles, `rejected header`;
 * - timestamp-based: dead unless the source's mtime (whole seconds) and size, both modulo 2^32,
 *   equal the ones recorded;
 * - hash-based (PEP 552): dead unless the source hash recorded equals the hash of the source's
 *   bytes now (`sourceHash`). For a checked-hash file that is the import system's own check; an
 *   unchecked-hash file whose source changed is worse than dead, since Python runs the old code,
 *   so it is judged the same way. Only these files have their source read.
 * A file or source that cannot be read is `unknown` (kept). The `.pyc` is opened without
 * following a link and without blocking.
 */
export function headerJudgement(
  pycPath: string,
  sourcePath: string,
  expect: HeaderExpectation = {}
): HeaderJudgement {
  const header = readHeader(pycPath)
  if (header === undefined) return 'unknown'
  if (expect.magics !== undefined && !expect.magics.has(header.subarray(0, 4).toString('hex'))) {
    return 'bad magic'
  }
  if (header.length < 4 || header[2] !== 0x0d || header[3] !== 0x0a) return 'rejected header'
  const magic = header.readUInt16LE(0)
  if (magic >= FIRST_PY3 && magic < FIRST_PEP552) return preflagsVerdict(header, magic, sourcePath)
  if (header.length < HEADER_BYTES) return 'rejected header'
  const flags = header.readUInt32LE(4)
  if ((flags & ~(expect.timestampOnly === true ? 0 : KNOWN_FLAGS)) !== 0) return 'rejected header'
  if ((flags & FLAG_HASH_BASED) !== 0) return hashVerdict(header, sourcePath)
  return timestampVerdict(header, 8, sourcePath)
}

/**
 * The header of Python 3.3 to 3.7a (magic numbers below 3392, before PEP 552): 12 bytes, the
 * magic number, the source's mtime and its size; 3.0 to 3.2 (below 3210): 8 bytes, no size.
 */
function preflagsVerdict(header: Buffer, magic: number, sourcePath: string): HeaderJudgement {
  const length = magic < FIRST_WITH_SIZE ? 8 : 12
  if (header.length < length) return 'rejected header'
  return timestampVerdict(header.subarray(0, length), 4, sourcePath)
}

/** The mtime (and size, when the header has it) recorded at `at` against the source's. */
function timestampVerdict(header: Buffer, at: number, sourcePath: string): HeaderJudgement {
  let source: fs.BigIntStats
  try {
    // The import system stats the source through links.
    source = fs.statSync(sourcePath, { bigint: true })
  } catch (error) {
    return vanished(error) ? 'source gone' : 'unknown'
  }
  const sized = header.length >= at + 8
  return header.readUInt32LE(at) === pythonMtime(source.mtimeNs) &&
    (!sized || header.readUInt32LE(at + 4) === Number(source.size % 2n ** 32n))
    ? 'current'
    : 'source changed'
}

/** Up to the first 16 bytes of `pycPath`; undefined when it cannot be read. */
function readHeader(pycPath: string): Buffer | undefined {
  const header = Buffer.alloc(HEADER_BYTES)
  try {
    const fd = fs.openSync(pycPath, fs.constants.O_RDONLY | NOFOLLOW)
    try {
      return header.subarray(0, fs.readSync(fd, header, 0, HEADER_BYTES, 0))
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return undefined
  }
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
    return vanished(error) ? 'source gone' : 'unknown'
  }
  return sourceHash(header.subarray(0, 4), source).equals(header.subarray(8, 16))
    ? 'current'
    : 'hash mismatch'
}
