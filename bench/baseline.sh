#!/usr/bin/env bash
# Measures the references the bench reports are compared with (bench/baseline.ts): a bare Fastify
# route returning a fixed payment, and pgbench running the writes of one `create`
# (bench/create-transaction.sql) and of one webhook delivery (bench/deliver-transaction.sql).
# Writes bench/results/baseline-<timestamp>.json. `npm run bench` measures them in the same run
# by default (when pgbench is on PATH); this script is for measuring them alone.
# Environment: CONNECTIONS (50), DURATION (20), ADMIN_DATABASE_URL, BARE_PORT. Needs `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node -r @swc-node/register bench/baseline.ts
