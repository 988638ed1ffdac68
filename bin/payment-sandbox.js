#!/usr/bin/env node
'use strict';
// The `payment-sandbox` command: runs the built CLI (src/cli, compiled to dist/ by `npm run build`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('error: the CLI is not built: run "npm run build" in the payment-sandbox package (or use "npm run cli -- …" in the repo).\n');
  process.exit(1);
}
require(entry);
