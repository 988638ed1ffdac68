// Types of the Payment Sandbox typed client (index.js). schema.d.ts is generated: do not edit it.
import type { Client, ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema';

export type { components, operations, paths };
/** Every schema of openapi.json by name, e.g. `Schemas['PaymentView']`. */
export type Schemas = components['schemas'];
export type SandboxClient = Client<paths>;

export interface SandboxClientOptions extends ClientOptions {
  /** An API key (`sk_test_…`), sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** Default `http://localhost:4242`. */
  baseUrl?: string;
}

export declare const DEFAULT_BASE_URL: string;
export declare function createSandboxClient(options?: SandboxClientOptions): SandboxClient;
