// A test that fails on purpose, run only by __tests__/source-maps.test.ts (jest's testMatch does
// not pick it up): its failure must be reported at the line marked below. The type-only lines
// above that line are what TypeScript drops, so without source maps the report is lines off.
import { expect, it } from '@jest/globals'

interface Box {
  readonly value: number
}

type Unbox = (box: Box) => number

const unbox: Unbox = box => box.value

it('fails on purpose', () => {
  expect(unbox({ value: 1 })).toBe(2) // deliberate failure
})
