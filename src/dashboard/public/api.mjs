// The one door to the API: Bearer key from sessionStorage, JSON in and out, errors as ApiError.
const KEY_STORAGE = 'payment-sandbox.api-key';

export class ApiError extends Error {
  constructor(status, body, method, path) {
    const error = (body && body.error) || {};
    super(error.message || `${method} ${path} answered ${status}`);
    this.status = status;
    this.code = error.code || (status === 0 ? 'network_error' : 'unknown_error');
    this.param = error.param;
    this.route = `${method} ${path.split('?')[0]}`;
  }

  /** A route this server does not have yet (a feature that lands later): panels say so instead of failing. */
  get routeMissing() {
    return this.status === 404 && this.code === 'route_not_found';
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY_STORAGE),
  signIn: (key) => sessionStorage.setItem(KEY_STORAGE, key),
  signOut: () => sessionStorage.removeItem(KEY_STORAGE),
};

let onUnauthorized = () => undefined;
/** Called when the key stops working (revoked, merchant deleted): the app signs out. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${session.key()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // A dashboard click that creates something may be retried safely.
  if (method === 'POST') headers['Idempotency-Key'] = `dashboard-${crypto.randomUUID()}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { error: { message: `The sandbox did not answer (${error.message}).` } }, method, path);
  }
  const text = await response.text();
  const json = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = new ApiError(response.status, json, method, path);
    if (response.status === 401) onUnauthorized(error);
    throw error;
  }
  return json;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `?a=1&b=2` from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
