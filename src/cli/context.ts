import { createSandboxClient, DEFAULT_BASE_URL, SandboxClient } from '../../clients/typescript';
import { CliError, ExitCode } from './errors';
import { cliFetch } from './transport';

/** Options every command accepts (flags win over the environment). */
export interface GlobalOptions {
  url?: string;
  apiKey?: string;
  json?: boolean;
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What a command needs: where the sandbox is, the key, the output mode and a typed client. */
export class CliContext {
  readonly baseUrl: string;
  readonly fetch: ReturnType<typeof cliFetch>;
  readonly json: boolean;
  private readonly apiKeyValue?: string;

  constructor(
    options: GlobalOptions,
    readonly env: NodeJS.ProcessEnv,
    readonly io: CliIo,
  ) {
    this.baseUrl = (options.url ?? env.SANDBOX_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.apiKeyValue = options.apiKey ?? (env.SANDBOX_API_KEY || undefined);
    this.json = options.json === true;
    this.fetch = cliFetch(this.baseUrl);
  }

  get apiKey(): string {
    if (!this.apiKeyValue) {
      throw new CliError('No API key: set SANDBOX_API_KEY or pass --api-key (payment-sandbox merchant create prints one).', ExitCode.Auth);
    }
    return this.apiKeyValue;
  }

  /** The generated typed client, authenticated with the merchant key. */
  client(): SandboxClient {
    return this.clientWithKey(this.apiKey);
  }

  /** The typed client with another key, or none (sign-up, optionally with the admin key). */
  clientWithKey(apiKey: string | undefined): SandboxClient {
    return createSandboxClient({ baseUrl: this.baseUrl, apiKey, fetch: this.fetch });
  }

  /** One result: a JSON document with --json, else the human lines. */
  print(human: string | string[], json: unknown): void {
    if (this.json) this.io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    else this.io.stdout(`${([] as string[]).concat(human).join('\n')}\n`);
  }

  /** A progress line: stderr in --json mode (stdout stays one JSON document), stdout otherwise. */
  note(line: string): void {
    if (this.json) this.io.stderr(`${line}\n`);
    else this.io.stdout(`${line}\n`);
  }
}
