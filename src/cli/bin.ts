#!/usr/bin/env node
/**
 * The `stint` executable: `node --import tsx src/cli/bin.ts` in development,
 * `dist/cli/bin.js` (package `bin`) when built.
 */
import { createProgram } from "./program.js";
import { EXIT_USAGE, reportError } from "./errors.js";

async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  if (argv.length <= 2) {
    process.stderr.write(program.helpInformation());
    process.exitCode = EXIT_USAGE;
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
  // Whatever a user's config left open (timers, sockets) must not keep a finished command alive.
  setTimeout(() => process.exit(), 2000).unref();
}

// `stint tasks | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

await main(process.argv);
