import { Command } from 'commander';
import type { CommandRunner } from '../program';
import { unwrap } from '../transport';

interface MerchantCreateOptions {
  name: string;
  email?: string;
  adminKey?: string;
}

/** `merchant create`: signs up a merchant and prints its first API key (stdout: the key alone). */
export function merchantCommand(run: CommandRunner): Command {
  const merchant = new Command('merchant').description('Merchants: sign up a fresh one (one per CI run isolates it)');
  merchant
    .command('create')
    .description('Create a merchant and print its API key (shown once)')
    .option('--name <name>', 'merchant name', 'CLI merchant')
    .option('--email <email>', 'merchant contact e-mail')
    .option('--admin-key <key>', 'the server\'s ADMIN_API_KEY, when it requires one (env SANDBOX_ADMIN_KEY)')
    .addHelpText('after', '\nExamples:\n  export SANDBOX_API_KEY=$(payment-sandbox merchant create --name "CI run 42")\n  payment-sandbox merchant create --json')
    .action(
      run(async (ctx, options: MerchantCreateOptions) => {
        const adminKey = options.adminKey ?? (ctx.env.SANDBOX_ADMIN_KEY || undefined);
        const body = { name: options.name, ...(options.email ? { email: options.email } : {}) };
        const created = unwrap('POST /v1/merchants', await ctx.clientWithKey(adminKey).POST('/v1/merchants', { body }));
        if (ctx.json) return ctx.print('', created);
        ctx.io.stderr(`Created merchant ${created.id} (${created.name}); its API key (shown once):\n`);
        ctx.io.stdout(`${created.api_key?.secret}\n`);
      }),
    );
  return merchant;
}
