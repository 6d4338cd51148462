/** An entry the action left in place on purpose, and why: logged, and listed in the report. */
export interface Kept {
  readonly path: string
  readonly reason: string
}

/** `path: reason`, as the log writes it. */
export function keptLine(kept: Kept): string {
  return `${kept.path}: ${kept.reason}`
}
