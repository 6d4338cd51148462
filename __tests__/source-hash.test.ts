// The PEP 552 source hash, against the reference SipHash vectors and against each installed
// CPython's own `_imp.source_hash` (3.7–3.13 where pyenv has them, and python3).
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { pythons as allPythons } from '../__fixtures__/pythons.js'
import { sipHash, sourceHash } from '../src/source-hash.js'

describe('sipHash', () => {
  // The SipHash-2-4 paper's test vector: key 00..0f, message 00..0e.
  it('gives the reference SipHash-2-4 vector', () => {
    const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i))
    const msg = Uint8Array.from(Array.from({ length: 15 }, (_, i) => i))
    const k0 = key.readBigUInt64LE(0)
    const k1 = key.readBigUInt64LE(8)
    expect(sipHash(2, 4, k0, k1, msg).toString(16)).toBe('a129ca6149be45e5')
  })
})

// python3, and each pyenv CPython 3.7 (PEP 552) or newer.
const pythons = allPythons([3, 7])
const describePython = pythons.length > 0 ? describe : describe.skip
if (pythons.length === 0) console.log('source-hash.test.ts: no CPython 3.7+; skipped.')

// Sources of every length around a block boundary, empty, and non-ASCII.
const SOURCES = [
  '',
  'x',
  'x = 1\n',
  'abcdefg',
  'abcdefgh',
  'abcdefghi',
  '# é ü 日本\nprint("hi")\n',
  'a'.repeat(255),
  'b'.repeat(256),
  'c'.repeat(1000)
]

const ASK = `
import _imp, importlib.util, importlib._bootstrap_external as b, json, sys
sources = json.loads(sys.stdin.read())
print(json.dumps({"magic": importlib.util.MAGIC_NUMBER.hex(),
                  "hashes": [_imp.source_hash(b._RAW_MAGIC_NUMBER, s.encode()).hex() for s in sources]}))
`

describePython.each(pythons)('the source hash of %s', python => {
  it("equals the interpreter's own _imp.source_hash", () => {
    const r = spawnSync(python, ['-c', ASK], { input: JSON.stringify(SOURCES), encoding: 'utf8' })
    expect(r.status).toBe(0)
    const { magic, hashes } = JSON.parse(r.stdout) as { magic: string; hashes: string[] }
    const ours = SOURCES.map(s =>
      sourceHash(Buffer.from(magic, 'hex'), Buffer.from(s)).toString('hex')
    )
    expect(ours).toEqual(hashes)
  })
})
