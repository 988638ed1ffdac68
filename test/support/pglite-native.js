// Jest maps '@electric-sql/pglite' here: the copy loaded by Node in test/support/e2e-environment.js.
module.exports = globalThis.__nativePglite;
