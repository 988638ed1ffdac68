#!/usr/bin/env bash
# Measures the two references the create benchmark is compared with, on this machine, with the
# same load tool and connection count: a bare Fastify route returning a fixed payment, and
# pgbench running the same writes one `create` commits (payment, 3 history rows, 3 events,
# 3 webhook deliveries in one transaction). Writes bench/results/baseline-<timestamp>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-20}
ADMIN_URL=${ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${BARE_PORT:-4299}

node bench/bare-fastify.js & BARE_PID=$!
trap 'kill $BARE_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
BARE_RPS=$(npx autocannon -j -c "$CONNECTIONS" -d "$DURATION" -m POST -H 'content-type=application/json' \
  -b '{"amount":2000,"currency":"usd"}' "http://127.0.0.1:$PORT/v1/payments" | node -pe 'Math.round(JSON.parse(require("fs").readFileSync(0)).requests.average)')
kill $BARE_PID; trap - EXIT

DB="sandbox_baseline_$(date +%s)"
psql "$ADMIN_URL" -qc "CREATE DATABASE $DB"
DB_URL="${ADMIN_URL%/*}/$DB"
DATABASE_URL="$DB_URL" node dist/database/migrate.js >/dev/null
psql "$DB_URL" -q <<'SQL'
INSERT INTO merchants (id, name) VALUES ('mer_bench', 'bench');
INSERT INTO webhook_endpoints (id, merchant_id, url, enabled_events, secret)
VALUES ('we_bench', 'mer_bench', 'http://127.0.0.1:1/hooks', ARRAY['*'], 'whsec_bench');
SQL
PGBENCH_TPS=$(pgbench -n -c "$CONNECTIONS" -j 2 -T "$DURATION" -f bench/create-transaction.sql "$DB_URL" 2>/dev/null \
  | awk '/^tps/ {print int($3)}' | head -1)
psql "$ADMIN_URL" -qc "DROP DATABASE $DB WITH (FORCE)"

mkdir -p bench/results
OUT="bench/results/baseline-$(date -u +%Y-%m-%dT%H-%M-%SZ).json"
printf '{\n  "connections": %s,\n  "duration_s": %s,\n  "bare_rps": %s,\n  "pgbench_tps": %s\n}\n' \
  "$CONNECTIONS" "$DURATION" "$BARE_RPS" "$PGBENCH_TPS" > "$OUT"
cat "$OUT"
