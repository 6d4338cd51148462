import { describe, expect, it } from '@jest/globals'
import { debrisHint } from '../src/hint.js'

describe('debrisHint', () => {
  it('is undefined when nothing of an unselected topic was seen', () => {
    expect(debrisHint({}, [])).toBeUndefined()
    expect(debrisHint({ pytest: 0 }, ['mypy'])).toBeUndefined()
  })

  it('counts one entry in the singular, and keeps the selected topics in the value', () => {
    expect(debrisHint({ sphinx: 1 }, ['package', 'pytest'])).toBe(
      "Hint: 1 entry of debris topics 'debris' does not select: sphinx (1). " +
        "'debris: pytest package sphinx' would remove them too."
    )
  })

  it('says that what git tracks stays, with keep-tracked', () => {
    expect(debrisHint({ coverage: 2 }, [], true)).toBe(
      "Hint: 2 entries of debris topics 'debris' does not select: coverage (2). " +
        "'debris: coverage' would remove them too (what git tracks stays: 'keep-tracked')."
    )
  })

  it('lists topics in action.yml order with thousands separators', () => {
    expect(debrisHint({ tox: 1200, pytest: 3 }, [])).toBe(
      "Hint: 1,203 entries of debris topics 'debris' does not select: pytest (3), tox (1,200). " +
        "'debris: pytest tox' would remove them too."
    )
  })
})
