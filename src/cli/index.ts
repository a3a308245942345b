import { Command, Option } from 'commander'
import { homedir } from 'node:os'
import { resolve } from 'node:path'
// the light half of the node contract: `hypermesh status` must not load libp2p to find its daemon
import { defaultDataDir } from '../node/files.ts'
import { HyperMeshError } from '../util/errors.ts'
import { createApiClient } from './api-client.ts'
import { COMMANDS, GLOBAL_OPTIONS } from './commands.ts'
import type { CommandSpec, OptionSpec } from './commands.ts'
import type { ApiClient, CliContext, GlobalOptions } from './context.ts'
import { createOutput } from './output.ts'

/** Exit codes: 1 for expected failures (bad input, daemon down), 70 (EX_SOFTWARE) for bugs. */
export const EXIT_FAILURE = 1
export const EXIT_INTERNAL = 70

function expandHome (p: string): string {
  return p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : resolve(p)
}

function addOption (cmd: Command, spec: OptionSpec): void {
  const opt = new Option(spec.flags, spec.description)
  if (spec.repeatable === true) {
    opt.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
  }
  if (spec.default !== undefined && !spec.flags.startsWith('--data-dir')) opt.default(spec.default)
  cmd.addOption(opt)
}

/** Prints an error as a message plus what to do next; returns the exit code. */
export function reportError (err: unknown, json: boolean, stderr: NodeJS.WriteStream = process.stderr): number {
  const expected = err instanceof HyperMeshError
  const e = err as any
  if (json) {
    stderr.write(JSON.stringify({ error: { code: expected ? e.code : 'INTERNAL', message: e?.message ?? String(err), ...(e?.hint != null ? { hint: e.hint } : {}) } }) + '\n')
  } else {
    stderr.write(`error: ${e?.message ?? String(err)}\n`)
    if (e?.hint != null) stderr.write(`hint: ${e.hint}\n`)
    if (!expected) {
      stderr.write('This is a bug in HyperMesh; please report it with the stack below.\n')
      stderr.write(`${e?.stack ?? ''}\n`)
    }
  }
  return expected ? EXIT_FAILURE : EXIT_INTERNAL
}

function register (program: Command, spec: CommandSpec): void {
  const words = spec.name.split(' ')
  let parent = program
  for (const word of words.slice(0, -1)) {
    parent = parent.commands.find(c => c.name() === word) ?? parent.command(word).description(`${word} commands`)
  }
  const cmd = parent.command(words[words.length - 1]).description(spec.summary)
  for (const a of spec.args ?? []) cmd.argument(a)
  for (const o of spec.options ?? []) addOption(cmd, o)
  cmd.addHelpText('after', '\nExamples:\n' + spec.examples.map(e => `  $ ${e}`).join('\n'))
  cmd.action(async (...params: any[]) => {
    const command = params[params.length - 1] as Command
    const opts = command.opts()
    const args = params.slice(0, -2).flat() as string[]
    const g = command.optsWithGlobals() as { dataDir?: string, api?: string, json?: boolean }
    const global: GlobalOptions = {
      dataDir: expandHome(g.dataDir ?? defaultDataDir()),
      json: g.json === true,
      api: g.api
    }
    const out = createOutput(global.json)
    let client: ApiClient | undefined
    const ctx: CliContext = {
      out,
      global,
      api: async () => (client ??= await createApiClient(global.dataDir, global.api))
    }
    try {
      const { run } = await spec.load()
      await run(ctx, args, opts)
      out.done()
    } catch (err) {
      out.done()
      process.exitCode = reportError(err, global.json)
    }
  })
}

export function buildProgram (): Command {
  const program = new Command('hypermesh')
    .description('HyperMesh: a peer-to-peer package distribution node')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
  for (const o of GLOBAL_OPTIONS) addOption(program, o)
  for (const spec of COMMANDS) register(program, spec)
  return program
}

export async function main (argv: string[] = process.argv): Promise<void> {
  const program = buildProgram()
  program.exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) are expected failures
    process.exit(err.exitCode === 0 ? 0 : EXIT_FAILURE)
  })
  await program.parseAsync(argv)
}
