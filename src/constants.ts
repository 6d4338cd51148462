/** Input names, exactly as in action.yml. Workflows depend on them. */
export const Inputs = {
  Path: 'path',
  Exclude: 'exclude',
  IncludeVenvs: 'include-venvs',
  DryRun: 'dry-run',
  FailOnError: 'fail-on-error',
  Summary: 'summary'
} as const

/** Output names, exactly as in action.yml. */
export const Outputs = {
  FilesRemoved: 'files-removed',
  DirsRemoved: 'dirs-removed',
  BytesFreed: 'bytes-freed',
  Errors: 'errors'
} as const

export type InputName = (typeof Inputs)[keyof typeof Inputs]
export type OutputName = (typeof Outputs)[keyof typeof Outputs]
