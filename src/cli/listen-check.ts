/**
 * Whether the API can listen where it was told, tried before `serve` or `dev` opens the
 * store: a port already in use or a host that is not this machine's must fail at once,
 * as a usage error, without creating or migrating a store first. The probe listens and
 * closes again; the server then takes the port (a race with another process in between
 * still fails, later, at the server's own listen).
 */
import { createServer } from "node:net";
import { DEFAULT_SOURCE, UsageError } from "./errors.js";
import type { ResolvedCliOptions } from "./options.js";

export async function checkCanListen(options: ResolvedCliOptions): Promise<void> {
  const { port, host } = options.server;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen({ port, host, exclusive: true }, () => resolve());
    });
  } catch (error) {
    throw refusal(error as NodeJS.ErrnoException, options) ?? error;
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function refusal(error: NodeJS.ErrnoException, options: ResolvedCliOptions): UsageError | undefined {
  const { port, host } = options.server;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const portFrom = from(options.sources.port);
  const hostFrom = from(options.sources.host);
  switch (error.code) {
    case "EADDRINUSE":
      return new UsageError(`cannot listen on ${where}: port ${port} (${portFrom}) is already in use; pick another with --port, or --port 0 for any free one`);
    case "EACCES":
      return new UsageError(`cannot listen on ${where}: port ${port} (${portFrom}) needs privileges this process does not have; pick one above 1023 with --port`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return new UsageError(`cannot listen on ${where}: unknown host "${host}" (${hostFrom}); use an address or name of this machine, e.g. 127.0.0.1 or ::1`);
    case "EADDRNOTAVAIL":
      return new UsageError(`cannot listen on ${where}: "${host}" (${hostFrom}) is not an address of this machine`);
    default:
      return undefined;
  }
}

function from(source: string): string {
  return source === DEFAULT_SOURCE ? source : `from ${source}`;
}
