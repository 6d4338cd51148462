/**
 * Runs `task` over a work list with at most `concurrency` tasks in flight. A task may return more
 * work, which joins the list (the walker's subdirectories). Items are taken last-in first-out, so
 * a walk goes depth-first and the list stays as small as the tree's frontier.
 *
 * Tasks are expected to handle their own errors; one that rejects stops the pool and rejects it.
 */
export async function drain<T>(
  initial: Iterable<T>,
  task: (item: T) => Promise<Iterable<T> | void>,
  concurrency: number
): Promise<void> {
  const limit = Math.max(1, Math.floor(concurrency))
  const pending: T[] = [...initial]
  let active = 0
  let failed = false
  return new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (failed) return
      if (pending.length === 0 && active === 0) {
        resolve()
        return
      }
      while (active < limit && pending.length > 0) {
        const item = pending.pop() as T
        active++
        task(item).then(
          more => {
            active--
            if (more) for (const next of more) pending.push(next)
            pump()
          },
          (error: unknown) => {
            failed = true
            reject(error)
          }
        )
      }
    }
    pump()
  })
}
