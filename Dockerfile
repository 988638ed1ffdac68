# syntax=docker/dockerfile:1
# Payment Sandbox image. Same entry points as the tests run:
#   node dist/main.js              API + webhook delivery in one process (embedded PGlite without DATABASE_URL)
#   node dist/main.js --role=api   HTTP only          node dist/worker.js   webhook delivery only

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json .swcrc openapi.json ./
COPY src ./src
# The CLI (src/cli) is typed by the generated client and reads openapi.json.
COPY clients ./clients
RUN npx nest build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=4242 \
    SANDBOX_DATA_DIR=/app/.sandbox-data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# The payment-sandbox CLI (docker run … node bin/payment-sandbox.js --help) and the typed client.
COPY openapi.json ./
COPY clients ./clients
COPY bin ./bin
# Embedded mode keeps its data here (mount a volume on it to keep it); owned by the unprivileged user.
RUN mkdir -p /app/.sandbox-data && chown node:node /app/.sandbox-data
USER node
EXPOSE 4242
# node:*-slim has no curl: Node 20's fetch checks readiness (database, and Redis when configured).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4242) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
