// setupFilesAfterEnv of the e2e projects: booting an app (PGlite initdb, migrations) can take well
// over Jest's default 5 s on a loaded machine; a hook or test still fails on a real hang.
jest.setTimeout(30_000);
