import { runCli } from './program';

// The `payment-sandbox` command (bin/payment-sandbox.js loads this file from dist/).
void runCli(process.argv, process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
