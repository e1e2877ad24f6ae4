#!/usr/bin/env node
// Entry point of the `nagare` command: runs the program and turns any failure into one line on stderr
// and a non-zero exit code. NAGARE_DEBUG=1 adds the stack trace.
import { enableCompileCache } from 'node:module';

// Stripping TypeScript types and compiling every module costs most of a cold start; Node's compile cache
// (in the OS temp dir, or NODE_COMPILE_CACHE) keeps the result for the next start. Enabled before the
// program's modules load, which is why they are imported dynamically below.
enableCompileCache();
const { CommanderError } = await import('commander');
const { CliError, explainError } = await import('./errors.ts');
const { nagareProgram, USAGE_EXIT_CODE } = await import('./program.ts');

async function main(argv: string[]): Promise<number> {
  try {
    await nagareProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return err.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    }
    console.error(`nagare: ${explainError(err, { action: 'run the command' })}`);
    if (process.env.NAGARE_DEBUG) console.error(err);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

process.exitCode = await main(process.argv);
