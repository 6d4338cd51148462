import { Inputs } from './constants.js'
import { TOPICS, type Topic } from './debris.js'

/**
 * The hint for one root: entries of debris topics that `debris` does not select were seen below
 * it (counted as the walk read their names: a directory counts once, its contents unread). Names
 * the topics with their counts and the value of `debris` that would remove them too; undefined
 * when there were none. Whether git tracks them is not known here (git is asked only about what
 * this run removes), so with `keepTracked` the hint says that what git tracks stays.
 */
export function debrisHint(
  counts: Readonly<Partial<Record<Topic, number>>>,
  selected: readonly Topic[],
  keepTracked = false
): string | undefined {
  const found = TOPICS.filter(t => (counts[t] ?? 0) > 0)
  if (found.length === 0) return undefined
  const total = found.reduce((sum, t) => sum + (counts[t] ?? 0), 0)
  const value = TOPICS.filter(t => selected.includes(t) || found.includes(t)).join(' ')
  return (
    `Hint: ${total.toLocaleString('en-US')} ${total === 1 ? 'entry' : 'entries'} of debris ` +
    `topics '${Inputs.Debris}' does not select: ` +
    `${found.map(t => `${t} (${counts[t]!.toLocaleString('en-US')})`).join(', ')}. ` +
    `'${Inputs.Debris}: ${value}' would remove them too` +
    (keepTracked ? ` (what git tracks stays: '${Inputs.KeepTracked}').` : '.')
  )
}
