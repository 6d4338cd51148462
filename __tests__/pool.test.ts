import { describe, expect, it } from '@jest/globals'
import { drain } from '../src/pool.js'

/** Lets other tasks run: a few turns of the event loop, varying by item. */
async function pause(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise(resolve => setImmediate(resolve))
}

describe('drain', () => {
  it('resolves at once for an empty work list, without calling the task', async () => {
    let calls = 0
    await drain(
      [],
      async () => {
        calls++
      },
      4
    )
    expect(calls).toBe(0)
  })

  it('runs every item once, including the items that tasks return', async () => {
    // A binary tree of work: item n returns 2n+1 and 2n+2 while they are below 63.
    const seen: number[] = []
    await drain(
      [0],
      async (n: number) => {
        await pause(n % 3)
        seen.push(n)
        return [2 * n + 1, 2 * n + 2].filter(k => k < 63)
      },
      4
    )
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 63 }, (_, i) => i))
  })

  it('takes several initial items and more work from any of them', async () => {
    const seen: string[] = []
    await drain(
      ['a', 'b', 'c'],
      async (item: string) => {
        await pause(1)
        seen.push(item)
        return item.length < 3 ? [`${item}1`, `${item}2`] : undefined
      },
      2
    )
    expect(seen).toHaveLength(3 + 6 + 12)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(expect.arrayContaining(['a', 'b', 'c', 'a1', 'c2', 'b21', 'c12']))
  })

  it.each([1, 3, 8])(
    'never has more than %i tasks in flight, and does use that many',
    async concurrency => {
      let active = 0
      let most = 0
      let done = 0
      await drain(
        Array.from({ length: 40 }, (_, i) => i),
        async (n: number) => {
          active++
          most = Math.max(most, active)
          await pause(1 + (n % 4))
          active--
          done++
          return n < 10 ? [100 + n] : []
        },
        concurrency
      )
      expect(done).toBe(50)
      expect(most).toBe(concurrency)
      expect(active).toBe(0)
    }
  )

  it('resolves only when the last task has finished', async () => {
    let finished = 0
    await drain(
      [5, 1, 3, 2],
      async (n: number) => {
        await pause(n * 3)
        finished++
      },
      4
    )
    expect(finished).toBe(4)
  })

  it('rejects when a task rejects, and starts no new task afterwards', async () => {
    const started: number[] = []
    const run = drain(
      Array.from({ length: 10 }, (_, i) => i),
      async (n: number) => {
        started.push(n)
        await pause(1)
        if (n === 9) throw new Error('boom')
      },
      1
    )
    await expect(run).rejects.toThrow('boom')
    await pause(5)
    // Last in, first out: item 9 is the first one taken, and nothing follows its failure.
    expect(started).toEqual([9])
  })

  it('starts no new task when one still in flight finishes after the rejection', async () => {
    const started: number[] = []
    const run = drain(
      Array.from({ length: 10 }, (_, i) => i),
      async (n: number) => {
        started.push(n)
        if (n === 9) throw new Error('first task failed')
        await pause(3)
      },
      2
    )
    await expect(run).rejects.toThrow('first task failed')
    await pause(10)
    // 9 and 8 were taken together; 8 finished after 9 failed, and took nothing more.
    expect(started).toEqual([9, 8])
  })

  it('rejects when a task rejects among others in flight', async () => {
    const run = drain(
      [1, 2, 3, 4, 5, 6],
      async (n: number) => {
        await pause(n)
        if (n === 4) throw new Error(`task ${n} failed`)
      },
      3
    )
    await expect(run).rejects.toThrow('task 4 failed')
  })
})
