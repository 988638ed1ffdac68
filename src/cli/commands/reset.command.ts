import { Command } from 'commander';
import type { CommandRunner } from '../program';
import { unwrap } from '../transport';

/** `reset`: deletes the caller's merchant and everything it owns (CI teardown). */
export function resetCommand(run: CommandRunner): Command {
  return new Command('reset')
    .description('Delete the merchant of the API key and all its data (DELETE /v1/merchants/me)')
    .addHelpText('after', '\nExample:\n  SANDBOX_API_KEY=sk_test_… payment-sandbox reset')
    .action(
      run(async (ctx) => {
        const client = ctx.client();
        const merchant = unwrap('GET /v1/merchants/me', await client.GET('/v1/merchants/me'));
        unwrap('DELETE /v1/merchants/me', await client.DELETE('/v1/merchants/me'));
        ctx.print(`Deleted merchant ${merchant.id} (${merchant.name}) and all its data.`, { deleted: true, id: merchant.id });
      }),
    );
}
