/** A problem with the action's inputs: reported before anything is touched. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

/** The message of anything thrown, for logs and `setFailed`. */
export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  // An error from another realm (a vm context) is no `instanceof Error` here, but has a message.
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const message = (error as { message: unknown }).message
    if (typeof message === 'string') return message
  }
  return String(error)
}

/** The `code` of a Node.js system error (`ENOENT`, `EACCES`, …), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}
