const { TestEnvironment } = require('jest-environment-node');

// Loaded by Node itself (not inside Jest's VM) and kept for the whole worker, so state here
// outlives a single spec file.
const pglite = require('@electric-sql/pglite');
let emptyCluster;

/**
 * PGlite.create('memory://') for the embedded e2e runs: the first call runs initdb (about 1-2 s)
 * and keeps a snapshot of the empty cluster; later calls start from that snapshot (about 0.3 s).
 * Each app still gets its own database; only the initdb output is shared.
 */
class SnapshotPGlite extends pglite.PGlite {
  static async create(dataDir, options) {
    if (dataDir !== 'memory://' || options !== undefined) return pglite.PGlite.create(dataDir, options);
    emptyCluster ??= pglite.PGlite.create('memory://').then(async (db) => {
      const snapshot = await db.dumpDataDir('none');
      await db.close();
      return snapshot;
    });
    return pglite.PGlite.create('memory://', { loadDataDir: await emptyCluster });
  }
}

/**
 * The e2e test environment: Jest's node environment plus PGlite loaded by Node. PGlite's CommonJS
 * build loads Node built-ins with import(), which Jest's VM refuses without --experimental-vm-modules;
 * test/support/pglite-native.js (mapped to '@electric-sql/pglite') hands the app this copy instead.
 */
class E2eEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__nativePglite = { ...pglite, PGlite: SnapshotPGlite };
  }

  async setup() {
    this.exitCodeBefore = process.exitCode;
    await super.setup();
  }

  /**
   * PGlite runs here, in Jest's own process, and its Emscripten runtime sets process.exitCode when
   * an instance's postgres exits with a status (a FATAL, or a shutdown under a test that kills
   * connections). Jest never sets exit code 0 itself, so that leaked value turned a fully green run
   * into exit 1. Restore what it was; Jest still sets its own failure code when a test fails.
   */
  async teardown() {
    if (process.exitCode !== this.exitCodeBefore) {
      process.stderr.write(`[e2e-environment] PGlite set process.exitCode=${process.exitCode} during this spec file; restored\n`);
      process.exitCode = this.exitCodeBefore;
    }
    await super.teardown();
  }
}

module.exports = E2eEnvironment;
