// Jest's globalSetup (jest.config.js): the test run gets a temporary directory of its own as
// TMPDIR; temp-teardown.ts fails the run if a test left anything in it. Tests clean up what they
// create: this makes a forgotten file a failure instead of litter in the system's /tmp.
// (Global setup files are loaded without the config's module mapping: no local imports here.)
import { promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export default async function setup(): Promise<void> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pyclean-jest-')))
  // mkdtemp makes it 0700; the permission tests run the bundle as nobody on trees made in it.
  await fs.chmod(dir, 0o755)
  process.env.PYCLEAN_TEST_TMPDIR = dir
  // Tools the tests start (jest, tsx) keep their caches in the system's temporary directory.
  process.env.PYCLEAN_SYSTEM_TMPDIR = os.tmpdir()
  process.env.TMPDIR = dir
}
