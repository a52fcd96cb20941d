/** A graphile-worker schema of its own on the benchmark's PostgreSQL database. */
import { makeWorkerUtils, runMigrations, type WorkerUtils } from "graphile-worker";
import { dropSchema, uniqueSchema, withPgClient } from "../stores.js";
import { quietLogger } from "./settings.js";

export interface GraphileStore {
  connectionString: string;
  schema: string;
  utils: WorkerUtils;
  /** Jobs not yet completed (graphile deletes a job's row when it succeeds). */
  remainingJobs(): Promise<number>;
  cleanup(): Promise<void>;
}

export async function createGraphileStore(connectionString: string): Promise<GraphileStore> {
  const schema = uniqueSchema("graphile_bench");
  await runMigrations({ connectionString, schema, logger: quietLogger });
  const utils = await makeWorkerUtils({ connectionString, schema, logger: quietLogger });
  return {
    connectionString,
    schema,
    utils,
    remainingJobs: () =>
      withPgClient(connectionString, async (client) => {
        const { rows } = await client.query<{ count: string }>(`SELECT count(*) AS count FROM "${schema}"._private_jobs`);
        return Number(rows[0].count);
      }),
    async cleanup() {
      await utils.release();
      await dropSchema(connectionString, schema);
    },
  };
}
