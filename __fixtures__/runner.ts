// Runs the committed dist/index.js in a child `node`, the way the runner runs a JavaScript
// action: every input as an INPUT_* variable with action.yml's defaults applied, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_STATE and GITHUB_ENV files, RUNNER_TEMP, the workspace as
// GITHUB_WORKSPACE and as the working directory; and for a post step, the main step's saved
// state as STATE_* variables.
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, openSync, promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { action } from './action.js'

/** The bundle action.yml runs. */
export const entry = path.join(fileURLToPath(new URL('..', import.meta.url)), action.runs.main)

/** The variable the runner sets for an input: upper case, spaces to `_`, hyphens kept. */
export const inputVariable = (name: string): string =>
  `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/** Keeps workflow-command lines (`::…`) of a child's stdout from reaching the test's stdout. */
export function withoutCommands(text: string): string {
  return text
    .split(/\r?\n/)
    .filter(l => !l.startsWith('::'))
    .join('\n')
}

export interface Run {
  readonly status: number | null
  /** stdout without workflow-command lines (`::…`), safe to show in a failure. */
  readonly log: string
  /** The workflow commands the action printed. */
  readonly commands: string[]
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly summary: string
  /** What the step saved for its post step (GITHUB_STATE). */
  readonly state: Record<string, string>
  /** What the step exported to the steps that follow (GITHUB_ENV). */
  readonly env: Record<string, string>
  /** Report files the step left in RUNNER_TEMP, parsed, by file name. */
  readonly reports: Record<string, unknown>
  /** The outputs without `report`, whose value (a temporary path) differs on every run. */
  readonly numbers: Record<string, string>
  /** The file the `report` output names, parsed; undefined when it names none. */
  readonly report: unknown
  /** RUNNER_TEMP of the run (deleted when the run returns). */
  readonly runnerTemp: string
}

/**
 * Reads a GITHUB_OUTPUT (or GITHUB_STATE, GITHUB_ENV) file: `name<<DELIM`, value lines, `DELIM`.
 * Anything else throws.
 */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  let i = 0
  while (i < lines.length) {
    const line = lines[i++]
    if (line === '') continue
    const m = /^([^<]+)<<(.+)$/.exec(line)
    if (!m) throw new Error(`GITHUB_OUTPUT: unexpected line ${JSON.stringify(line)}`)
    const [, name, delimiter] = m
    const value: string[] = []
    while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++])
    if (i === lines.length) throw new Error(`GITHUB_OUTPUT: '${name}' has no closing delimiter`)
    i++
    if (name in out) throw new Error(`GITHUB_OUTPUT: '${name}' set twice`)
    out[name] = value.join('\n')
  }
  return out
}

/**
 * The Node.js that action.yml declares (`node24` → Node 24), fetched through the npm registry
 * with npx, since the tests themselves run on the machine's Node. The bundle must work on both.
 */
function declaredNode(): string {
  const major = /^node(\d+)$/.exec(action.runs.using)?.[1]
  if (!major) throw new Error(`action.yml runs.using is '${action.runs.using}', not nodeNN`)
  if (process.versions.node.split('.')[0] === major) return process.execPath
  try {
    return execFileSync('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath'], {
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['ignore', 'pipe', 'pipe']
    }).trim()
  } catch (error) {
    throw new Error(
      `Could not get Node ${major} (action.yml's runtime) with 'npx -p node@${major}': ${String(error)}`,
      { cause: error }
    )
  }
}

export const runtimes: [string, string][] = [
  [`the tests' Node ${process.versions.node}`, process.execPath],
  [`action.yml's runtime (${action.runs.using})`, declaredNode()]
]

export interface RunOptions {
  /** The `node` binary; the tests' own by default. */
  readonly node?: string
  /** Inputs over action.yml's defaults. */
  readonly inputs?: Record<string, string>
  /**
   * Run as this uid/gid (through `setpriv`, as root only): permission tests need a user that
   * permissions apply to, and these tests run as root on CI.
   */
  readonly user?: { readonly uid: number; readonly gid: number }
  /** Directory for the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files (a fresh temp dir if unset). */
  readonly scratch?: string
  /** Run as the post step, with this state saved by the main step. */
  readonly state?: Record<string, string>
  /** Make RUNNER_TEMP read-only (0555) for the run, as a self-hosted runner's may be. */
  readonly readOnlyRunnerTemp?: boolean
  /** Environment variables over the tests' own (PATH, to hide a program). */
  readonly env?: Record<string, string>
  /**
   * Run the bundle with this Windows `node.exe` under Wine (`windows.ts`), as a Windows runner
   * would: every path the runner hands over (workspace, RUNNER_TEMP, the command files) as a
   * `Z:\` path; stdout and stderr through files (Windows Node dies with EBADF on a pipe).
   */
  readonly windows?: { readonly exe: string }
}

/** `Z:\tmp\x` for `/tmp/x`: Wine's drive for the Linux root. */
export const winPath = (p: string): string => `Z:${p.split('/').join('\\')}`

/** `/tmp/x` for `Z:\tmp\x`; other paths unchanged. */
export const linuxPath = (p: string): string =>
  /^Z:\\/i.test(p) ? p.slice(2).split('\\').join('/') : p

/**
 * A copy of the bundle that another user can run, inside `scratch` (made 0777 for that user): the
 * checkout itself may lie below a directory only its owner can enter (`/root/…`, a `mktemp -d`
 * directory), where `nobody` cannot reach `dist/index.js`. The bundle is self-contained: the
 * script and the `package.json` that makes it an ES module are all it needs.
 */
async function reachableBundle(scratch: string): Promise<string> {
  const dir = path.join(scratch, 'dist')
  await fs.mkdir(dir, { mode: 0o755 })
  await fs.chmod(dir, 0o755)
  for (const name of [path.basename(entry), 'package.json']) {
    await fs.copyFile(path.join(path.dirname(entry), name), path.join(dir, name))
    await fs.chmod(path.join(dir, name), 0o644)
  }
  return path.join(dir, path.basename(entry))
}

/** Runs dist/index.js on `workspace` as the runner does, with action.yml's defaults applied. */
export async function runAction(workspace: string, options: RunOptions = {}): Promise<Run> {
  const scratch = await fs.mkdtemp(path.join(options.scratch ?? os.tmpdir(), 'pyclean-run-'))
  const files = {
    GITHUB_OUTPUT: path.join(scratch, 'output.txt'),
    GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md'),
    GITHUB_STATE: path.join(scratch, 'state.txt'),
    GITHUB_ENV: path.join(scratch, 'env.txt')
  }
  const runnerTemp = path.join(scratch, 'temp')
  await fs.mkdir(runnerTemp)
  for (const file of Object.values(files)) await fs.writeFile(file, '')
  if (options.user) {
    await fs.chmod(scratch, 0o777)
    await fs.chmod(runnerTemp, 0o777)
    for (const file of Object.values(files)) await fs.chmod(file, 0o666)
  }
  if (options.readOnlyRunnerTemp) await fs.chmod(runnerTemp, 0o555)
  const inputs = options.inputs ?? {}

  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of the job running these tests may leak in; NODE_OPTIONS is jest's, not the runner's.
    if (/^(INPUT_|GITHUB_)/i.test(key) || key === 'NODE_OPTIONS') continue
    env[key] = value
  }
  for (const [name, input] of Object.entries(action.inputs)) {
    env[inputVariable(name)] = input.default ?? ''
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in action.inputs)) throw new Error(`'${name}' is not an input in action.yml`)
    env[inputVariable(name)] = value
  }
  const runnerPath = options.windows ? winPath : (p: string): string => p
  Object.assign(env, options.env)
  for (const [name, file] of Object.entries(files)) env[name] = runnerPath(file)
  env.RUNNER_TEMP = runnerPath(runnerTemp)
  env.GITHUB_WORKSPACE = runnerPath(workspace)
  if (options.windows) Object.assign(env, wineEnv())
  // The runner hands a post step what its main step saved, as STATE_<name>.
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value

  const node = options.node ?? process.execPath
  const [command, args] = options.windows
    ? [WINE, [options.windows.exe, winPath(entry)]]
    : options.user
      ? [
          'setpriv',
          [
            `--reuid=${options.user.uid}`,
            `--regid=${options.user.gid}`,
            '--clear-groups',
            node,
            await reachableBundle(scratch)
          ]
        ]
      : [node, [entry]]
  const child = options.windows
    ? await throughFiles(command, args, workspace, env, scratch)
    : spawnSync(command, args, { cwd: workspace, env, encoding: 'utf8', timeout: 60_000 })
  if (child.error) throw child.error
  const lines = child.stdout.split(/\r?\n/)
  const run: Run = {
    status: child.status,
    log: lines.filter(l => !l.startsWith('::')).join('\n'),
    commands: lines.filter(l => l.startsWith('::')),
    stderr: child.stderr,
    outputs: parseOutputFile(await fs.readFile(files.GITHUB_OUTPUT, 'utf8')),
    summary: await fs.readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
    state: parseOutputFile(await fs.readFile(files.GITHUB_STATE, 'utf8')),
    env: parseOutputFile(await fs.readFile(files.GITHUB_ENV, 'utf8')),
    reports: {},
    numbers: {},
    report: undefined,
    runnerTemp
  }
  const reports: Record<string, unknown> = {}
  for (const name of await fs.readdir(runnerTemp)) {
    reports[name] = JSON.parse(await fs.readFile(path.join(runnerTemp, name), 'utf8'))
  }
  const { report: reported, ...numbers } = run.outputs
  const reportPath = reported === undefined ? undefined : linuxPath(reported)
  const report =
    reportPath !== undefined && path.dirname(reportPath) === runnerTemp
      ? reports[path.basename(reportPath)]
      : undefined
  Object.assign(run, { reports, numbers, report })
  await fs.rm(scratch, { recursive: true, force: true })
  return run
}

/** Wine 8's Windows loader (Debian's wine64 package; not on PATH). */
export const WINE = '/usr/lib/wine/wine64'

/** Wine quiet, with a prefix of its own kept in the system's temporary directory. */
export function wineEnv(): Record<string, string> {
  const tmp = process.env.PYCLEAN_SYSTEM_TMPDIR || os.tmpdir()
  return {
    // Wine keeps files of its own in TMPDIR (`wine-XXXXXX`) until its server exits: not in the
    // test run's, which must be left empty.
    TMPDIR: tmp,
    WINEDEBUG: '-all',
    // One per user: Wine refuses a prefix another user owns.
    WINEPREFIX: path.join(tmp, `pyclean-wine-prefix-${process.getuid?.() ?? 0}`),
    NODE_SKIP_PLATFORM_CHECK: '1'
  }
}

/** spawnSync's result, with stdout and stderr read back from files in `scratch`. */
async function throughFiles(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  scratch: string
): Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }> {
  const [out, err] = [path.join(scratch, 'stdout.txt'), path.join(scratch, 'stderr.txt')]
  const [o, e] = [openSync(out, 'w'), openSync(err, 'w')]
  let child
  try {
    child = spawnSync(command, args, { cwd, env, stdio: ['ignore', o, e], timeout: 180_000 })
  } finally {
    closeSync(o)
    closeSync(e)
  }
  return {
    status: child.status,
    error: child.error,
    stdout: await fs.readFile(out, 'utf8'),
    stderr: await fs.readFile(err, 'utf8')
  }
}

/**
 * A job with one step using the action, as the runner runs it: the main step, then (at the end of
 * the job) the post step with the state the main step saved. `between` runs in between, as the
 * job's other steps would.
 */
export async function runJob(
  workspace: string,
  options: RunOptions & { between?: () => Promise<void> } = {}
): Promise<{ main: Run; post: Run }> {
  const main = await runAction(workspace, options)
  await options.between?.()
  const post = await runAction(workspace, { ...options, state: main.state })
  return { main, post }
}
