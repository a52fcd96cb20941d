/**
 * Where `checksumDirectory`'s lifecycle hooks report: an injected dependency (the
 * controller style's constructor injection), a JSON-lines file in production and an
 * array in tests.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

export interface AuditEntry {
  event: "triggered" | "done" | "error" | "aborted" | "max-iterations";
  definitionId: string;
  taskId?: string;
  detail?: unknown;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

export class FileAuditLog implements AuditLog {
  constructor(private readonly file: string) {}

  async record(entry: AuditEntry): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  }
}

export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}
