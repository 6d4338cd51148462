/** Input names, exactly as in action.yml. Workflows depend on them. */
export const Inputs = {
  Path: 'path',
  Exclude: 'exclude',
  IncludeVenvs: 'include-venvs',
  Debris: 'debris',
  RemoveEmpty: 'remove-empty',
  Mode: 'mode',
  Python: 'python',
  When: 'when',
  Prevent: 'prevent',
  KeepTracked: 'keep-tracked',
  KeepSourceless: 'keep-sourceless',
  DryRun: 'dry-run',
  FailOnError: 'fail-on-error',
  Summary: 'summary'
} as const

/** Output names, exactly as in action.yml. */
export const Outputs = {
  FilesRemoved: 'files-removed',
  DirsRemoved: 'dirs-removed',
  BytesFreed: 'bytes-freed',
  DiskFreed: 'disk-freed',
  TrackedFiles: 'tracked-files',
  Errors: 'errors',
  Report: 'report'
} as const

/** Names in the runner's state file, shared by the main step and the post step. */
export const State = {
  /** Set by the main step: the same bundle then runs as the post step. */
  IsPost: 'isPost',
  /**
   * The main step's inputs, as JSON, saved when the post step has to clean (`when: post` or
   * `both`) and the main step succeeded: the post step cleans with the same settings.
   */
  Inputs: 'inputs'
} as const

export type InputName = (typeof Inputs)[keyof typeof Inputs]
export type OutputName = (typeof Outputs)[keyof typeof Outputs]
