import { CliError, ExitCode } from './errors';

/** The sandbox's error body (`{"error": {type, code, message, param?}}`), as far as it is one. */
interface ApiErrorBody {
  error?: { code?: string; message?: string; param?: string };
}

/** `fetch` that turns "nothing answered" into one readable line with exit code 3. */
export function cliFetch(baseUrl: string): (input: Request | string, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      throw unreachable(baseUrl, error);
    }
  };
}

export function unreachable(baseUrl: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code === 'ECONNREFUSED' ? 'connection refused' : (cause?.code ?? cause?.message ?? (error as Error).message);
  return new CliError(
    `Cannot reach the sandbox at ${baseUrl} (${reason}): start it (npm start) or point SANDBOX_URL / --url at it.`,
    ExitCode.Unreachable,
  );
}

/** Maps a non-2xx answer to a CliError: 401 → exit 4, anything else → exit 5. */
export function apiError(what: string, status: number, body: unknown): CliError {
  const error = (body as ApiErrorBody | undefined)?.error;
  const detail = error ? `${error.code ?? 'error'}: ${error.message ?? ''}${error.param ? ` (param ${error.param})` : ''}` : `HTTP ${status}`;
  if (status === 401) {
    return new CliError(`The sandbox refused the API key (401 ${detail}): check SANDBOX_API_KEY or --api-key.`, ExitCode.Auth);
  }
  return new CliError(`${what} failed: ${status} ${detail}`, ExitCode.ApiError);
}

/** The data of an openapi-fetch result, or the CliError its failure maps to. */
export function unwrap<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw apiError(what, result.response.status, result.error);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
  text: string;
  durationMs: number;
}

export interface RawRequest {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request to any path (fixture steps name their own routes); network failures → exit 3. */
export async function rawRequest(
  fetchImpl: ReturnType<typeof cliFetch>,
  baseUrl: string,
  apiKey: string | undefined,
  request: RawRequest,
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const started = performance.now();
  const response = await fetchImpl(`${baseUrl}${request.path}`, {
    method: request.method.toUpperCase(),
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const text = await response.text();
  const responseHeaders: Record<string, string> = {};
  // forEach, not entries(): the browser specs bring in the DOM typings, whose Headers has no entries().
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  return {
    status: response.status,
    headers: responseHeaders,
    json: parseJson(text),
    text,
    durationMs: Math.round(performance.now() - started),
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
