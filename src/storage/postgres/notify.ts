/**
 * Cross-process wake-ups over LISTEN/NOTIFY, on one channel per schema.
 *
 * Publishing is a `pg_notify` on any connection (or inside the writer's transaction, so
 * the wake-up is sent only once the rows are visible). Listening needs one connection of
 * its own, outside the pool, opened on the first subscribe. When that connection drops,
 * it comes back with backoff and then delivers a synthetic `tasks-available`, because
 * notifications sent while it was away are gone.
 */
import pg from "pg";
import type { ClaimedTask, StorageEvent } from "../port/types.js";
import { toStintError } from "./errors.js";
import { quoteIdent, type SqlNames } from "./names.js";
import { rowFromJson, rowToClaim } from "./row.js";

/** The channel is validated (see options.ts), so it can sit in the text as a literal. */
export function notifySql(names: SqlNames): string {
  return `SELECT pg_notify('${names.channel}', $1)`;
}

export function encodeEvent(event: StorageEvent): string {
  return JSON.stringify(event);
}

/**
 * What travels on the channel: the port's events, and a handoff too big for a payload
 * (`task-handed-ref`: the task is read back before it is delivered).
 */
export type WireEvent = StorageEvent | { type: "task-handed-ref"; workerId: string; id: string };

/** A payload from the channel, or null when it is not one of ours. */
export function decodeEvent(payload: string | undefined): WireEvent | null {
  try {
    const value = JSON.parse(payload ?? "") as { type?: unknown; id?: unknown; workerId?: unknown; row?: unknown };
    if (value?.type === "tasks-available") return { type: "tasks-available" };
    if (value?.type === "task-aborted" && typeof value.id === "string") return { type: "task-aborted", id: value.id };
    if (value?.type === "task-handed" && typeof value.workerId === "string") {
      if (typeof value.id === "string") return { type: "task-handed-ref", workerId: value.workerId, id: value.id };
      const row = rowFromJson(value.row);
      if (row) return { type: "task-handed", workerId: value.workerId, claim: rowToClaim(row) };
    }
  } catch {
    // Someone else's NOTIFY on our channel: not for us.
  }
  return null;
}

export interface ListenerOptions {
  connectionString: string;
  names: SqlNames;
  onError: (error: Error) => void;
  /** First reconnect delay; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Reads back a handoff whose payload named the task only (null: nothing to deliver). */
  readHanded?: (workerId: string, id: string) => Promise<ClaimedTask | null>;
  /** The LISTEN connection was lost: notifications sent until it is back are gone. */
  onDisconnect?: () => void;
}

export interface Listener {
  subscribe(listener: (event: StorageEvent) => void): () => void;
  /** True while the LISTEN connection is up (notifications are being received). */
  listening(): boolean;
  close(): Promise<void>;
}

export function createListener(options: ListenerOptions): Listener {
  const { names, onError } = options;
  const minBackoff = options.minBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const listeners = new Set<(event: StorageEvent) => void>();

  let active: pg.Client | null = null;
  let starting: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let failures = 0;
  // Set once a connection was lost or failed: the next good one may have missed events.
  let missedSome = false;
  let connectedOnce = false;
  let closed = false;
  function receive(event: WireEvent): void {
    if (event.type !== "task-handed-ref") return deliver(event);
    // Read back; if that fails, the worker's next claim returns the task (handed: true).
    void options.readHanded?.(event.workerId, event.id).then(
      (claim) => {
        if (claim) deliver({ type: "task-handed", workerId: event.workerId, claim });
      },
      (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))),
    );
  }

  function deliver(event: StorageEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  function wanted(): boolean {
    return !closed && listeners.size > 0;
  }

  function ensureConnected(): void {
    if (!wanted() || active || starting || retryTimer) return;
    void start();
  }

  async function start(): Promise<void> {
    const client = new pg.Client({
      connectionString: options.connectionString,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      fallback_application_name: "stint-listener",
    });
    starting = client;
    client.on("error", (error) => lost(client, error));
    client.on("end", () => lost(client, null));
    client.on("notification", (message) => {
      if (message.channel !== names.channel) return;
      const event = decodeEvent(message.payload);
      if (event) receive(event);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(names.channel)}`);
    } catch (error) {
      starting = null;
      endQuietly(client);
      // Closed or unsubscribed meanwhile: the failure is our own doing.
      if (!wanted()) return;
      missedSome = true;
      onError(toStintError(error));
      scheduleRetry();
      return;
    }
    starting = null;
    if (!wanted()) {
      endQuietly(client);
      return;
    }
    active = client;
    failures = 0;
    if (!connectedOnce) {
      connectedOnce = true;
      // A worker claimed before this was up: a task triggered meanwhile would wait for its
      // next poll, and it offers a handoff slot only from a claim made while listening.
      deliver({ type: "listening" });
    }
    if (missedSome) {
      missedSome = false;
      deliver({ type: "tasks-available" });
    }
  }

  function lost(client: pg.Client, error: Error | null): void {
    // Errors while starting reject connect()/LISTEN and are handled there.
    if (client !== active) return;
    active = null;
    missedSome = true;
    endQuietly(client);
    if (error) onError(toStintError(error));
    options.onDisconnect?.();
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (!wanted() || retryTimer) return;
    const delay = Math.min(maxBackoff, minBackoff * 2 ** failures) * (0.75 + Math.random() * 0.5);
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      ensureConnected();
    }, delay);
    // Only a live connection should keep the process up, not a pending retry.
    retryTimer.unref();
  }

  function stop(): Promise<void> {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const client = active;
    active = null;
    return client ? client.end().catch(() => {}) : Promise.resolve();
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      ensureConnected();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) void stop();
      };
    },
    listening: () => active !== null,
    async close() {
      closed = true;
      listeners.clear();
      const pending = starting;
      await stop();
      if (pending) await pending.end().catch(() => {});
    },
  };
}

function endQuietly(client: pg.Client): void {
  client.end().catch(() => {});
}
