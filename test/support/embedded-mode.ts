// setupFiles of the e2e-embedded Jest project: the same specs, against embedded PGlite and the in-process queue.
process.env.SANDBOX_TEST_MODE = 'embedded';
delete process.env.TEST_DATABASE_URL;
