// Jest's globalTeardown (jest.config.js): fails the run when a test left anything in the run's
// TMPDIR (see temp-setup.ts), naming what it left, and removes the directory either way.
import { promises as fs } from 'node:fs'

export default async function teardown(): Promise<void> {
  const dir = process.env.PYCLEAN_TEST_TMPDIR
  if (dir === undefined) return
  const left = await fs.readdir(dir)
  await fs.rm(dir, { recursive: true, force: true })
  if (left.length > 0) {
    throw new Error(
      `Tests left ${left.length} entries in the temporary directory: ${left.sort().join(', ')}`
    )
  }
}
