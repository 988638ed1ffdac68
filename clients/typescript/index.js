'use strict';
// The Payment Sandbox typed client: openapi-fetch over the types openapi-typescript generates from
// openapi.json into ./schema.d.ts (`npm run openapi` regenerates them; CI fails when they are stale).
const { default: createClient } = require('openapi-fetch');

const DEFAULT_BASE_URL = 'http://localhost:4242';

/** A client for every route of openapi.json; `apiKey` becomes `Authorization: Bearer …`. */
function createSandboxClient(options = {}) {
  const { apiKey, baseUrl = DEFAULT_BASE_URL, headers = {}, ...rest } = options;
  const auth = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  return createClient({ ...rest, baseUrl: baseUrl.replace(/\/+$/, ''), headers: { ...auth, ...headers } });
}

module.exports = { createSandboxClient, DEFAULT_BASE_URL };
