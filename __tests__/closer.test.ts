import { describe, expect, it } from '@jest/globals'
import { fstatSync, openSync } from 'node:fs'
import { CLOSE_SAMPLE, createCloser, holdsSafely } from '../src/closer.js'

/** A fresh open handle. */
function handle(): number {
  return openSync('package.json', 'r')
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd)
    return true
  } catch {
    return false
  }
}

/** Every close is slow (goes to the thread pool after the first sample) or none is. */
const SLOW = { slowMicros: -1 }
const FAST = { slowMicros: Infinity }

describe('createCloser', () => {
  it('closes inline, at once, and once a sample of closes was fast wants no more handles', async () => {
    const closer = createCloser(FAST)
    for (let i = 0; i < CLOSE_SAMPLE + 3; i++) {
      expect(closer.mode()).toBe(i < CLOSE_SAMPLE ? 'sampling' : 'off')
      expect(closer.wanted()).toBe(i < CLOSE_SAMPLE)
      // A handle taken before the switch is still closed, inline.
      const fd = handle()
      closer.close(fd)
      expect(isOpen(fd)).toBe(false)
    }
    expect(closer.backlog()).toBeUndefined()
    await closer.drain()
  })

  it('moves to the thread pool after a sample of slow closes', async () => {
    const closer = createCloser(SLOW)
    for (let i = 0; i < CLOSE_SAMPLE - 1; i++) closer.close(handle())
    expect(closer.mode()).toBe('sampling')
    closer.close(handle())
    expect(closer.mode()).toBe('background')
    expect(closer.wanted()).toBe(true)
    await closer.drain()
  })

  it('closes every handle handed over, and drain waits for all of them', async () => {
    const closer = createCloser(SLOW)
    const fds = Array.from({ length: CLOSE_SAMPLE + 10 }, handle)
    for (const fd of fds) closer.close(fd)
    await closer.drain()
    expect(fds.filter(isOpen)).toEqual([])
  })

  it('drains at once when nothing was handed over', async () => {
    await expect(createCloser().drain()).resolves.toBeUndefined()
  })

  it('has a backlog from its limit on, gone once at most half of it is still closing', async () => {
    const limit = 4
    const closer = createCloser({ ...SLOW, limit })
    for (let i = 0; i < CLOSE_SAMPLE; i++) closer.close(handle())
    expect(closer.mode()).toBe('background')
    for (let i = 0; i < limit - 1; i++) closer.close(handle())
    expect(closer.backlog()).toBeUndefined()
    expect(closer.wanted()).toBe(true)
    closer.close(handle())
    expect(closer.wanted()).toBe(false)
    const backlog = closer.backlog()
    expect(backlog).toBeInstanceOf(Promise)
    await backlog
    expect(closer.wanted()).toBe(true)
    await closer.drain()
    // Every close ran on the thread pool and came back.
    expect(closer.backlog()).toBeUndefined()
  })
})

const describeLinux = process.platform === 'linux' ? describe : describe.skip

describeLinux('holdsSafely', () => {
  it('knows tmpfs, and nothing it cannot name', () => {
    // /dev/shm is tmpfs on Linux; /proc is procfs, where nothing is removed.
    expect(holdsSafely('/dev/shm')).toBe(true)
    expect(holdsSafely('/proc')).toBe(false)
    expect(holdsSafely('/nonexistent/pyclean')).toBe(false)
  })
})
