/**
 * The SQL names of one adapter instance: every table qualified by its (validated, quoted)
 * schema, so queries never depend on a connection's search_path.
 */
export interface SqlNames {
  schema: string;
  /** The quoted schema, for DDL. */
  schemaIdent: string;
  tasks: string;
  logs: string;
  logItems: string;
  /** Idle workers' handoff slots (migration 0003). */
  slots: string;
  /** The worker registry (migration 0007). */
  workers: string;
  /** Schedules (migration 0006). */
  schedules: string;
  /** The settings row and named leases (migration 0010). */
  settings: string;
  leases: string;
  migrations: string;
  /** LISTEN/NOTIFY channel: one per schema so two Stint installs never wake each other. */
  channel: string;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqlNames(schema: string): SqlNames {
  const s = quoteIdent(schema);
  return {
    schema,
    schemaIdent: s,
    tasks: `${s}.tasks`,
    logs: `${s}.task_logs`,
    logItems: `${s}.task_log_items`,
    slots: `${s}.worker_slots`,
    workers: `${s}.workers`,
    schedules: `${s}.schedules`,
    settings: `${s}.settings`,
    leases: `${s}.leases`,
    migrations: `${s}.stint_migrations`,
    channel: `stint_${schema}`,
  };
}
