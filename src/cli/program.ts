import { Command, CommanderError } from 'commander';
import { clockCommand } from './commands/clock.command';
import { fixturesCommand } from './commands/fixtures.command';
import { listenCommand } from './commands/listen.command';
import { merchantCommand } from './commands/merchant.command';
import { resetCommand } from './commands/reset.command';
import { triggerCommand } from './commands/trigger.command';
import { CliContext, CliIo, GlobalOptions } from './context';
import { CliError, EXIT_CODE_HELP, ExitCode } from './errors';

/** Wraps a command body: builds the context from the global flags and the environment. */
export type CommandRunner = <A extends unknown[]>(body: (ctx: CliContext, ...args: A) => Promise<void>) => (...args: unknown[]) => Promise<void>;

const EXAMPLES = `
Examples:
  export SANDBOX_API_KEY=$(payment-sandbox merchant create)
  payment-sandbox trigger payment.captured --wait
  payment-sandbox trigger refund.failed --override payment.amount=5000
  payment-sandbox fixtures run fixtures/checkout-refund.yaml --junit reports/fixtures.xml
  payment-sandbox listen --forward-to http://localhost:3000/webhooks --events payment.captured,refund.succeeded
  payment-sandbox clock advance 7d
  payment-sandbox reset

Environment: SANDBOX_URL (default http://localhost:4242), SANDBOX_API_KEY, SANDBOX_ADMIN_KEY.

${EXIT_CODE_HELP}
`;

/** The whole command tree; `io` receives everything it prints (stdout/stderr of the process in main.ts). */
export function buildProgram(env: NodeJS.ProcessEnv, io: CliIo): Command {
  const program = new Command('payment-sandbox')
    .description('Script the Payment Sandbox: trigger events, forward webhooks to a local app, run fixture files.')
    .option('--url <url>', 'the sandbox base URL (env SANDBOX_URL, default http://localhost:4242)')
    .option('--api-key <key>', 'a merchant API key, sk_test_… (env SANDBOX_API_KEY)')
    .option('--json', 'machine-readable JSON output')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', EXAMPLES);

  const run: CommandRunner = (body) => async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = new CliContext(command.optsWithGlobals<GlobalOptions>(), env, io);
    await body(ctx, ...(args.slice(0, -1) as never));
  };

  for (const command of [merchantCommand, resetCommand, clockCommand, triggerCommand, fixturesCommand, listenCommand]) {
    program.addCommand(inherit(program, command(run)));
  }
  return program;
}

/** addCommand() does not copy the program's settings (output, exit override, help after error): copy them down. */
function inherit(program: Command, command: Command): Command {
  command.copyInheritedSettings(program);
  for (const sub of command.commands) inherit(command, sub);
  return command;
}

/** Parses `argv` and runs the command; resolves to the exit code (never throws). */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const program = buildProgram(env, io);
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (error) {
    return exitCodeFor(error, io, program.opts<GlobalOptions>().json === true);
  }
}

function exitCodeFor(error: unknown, io: CliIo, json: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every other parse error (unknown command or flag, missing argument) is usage.
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  const cliError = error instanceof CliError ? error : new CliError(`Unexpected error: ${(error as Error)?.message ?? String(error)}`, ExitCode.CheckFailed);
  io.stderr(json ? `${JSON.stringify({ error: { message: cliError.message, exit_code: cliError.exitCode } })}\n` : `error: ${cliError.message}\n`);
  return cliError.exitCode;
}
