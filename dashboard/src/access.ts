/**
 * What the current key may do. The API exposes no permission list, so the dashboard
 * probes: a read is tried for `r`; for `w` and `d`, `abortTask` and `deleteTask` of the
 * id "0" (which no task has) answer NOT_FOUND or a harmless result when allowed and
 * SECURITY_NOT_AUTHORIZED when not. Neither probe changes anything.
 */
import { ApiError, graphql, NOT_AUTHORIZED } from "./api";

export interface Access {
  read: boolean;
  write: boolean;
  remove: boolean;
}

export const FULL_ACCESS: Access = { read: true, write: true, remove: true };

interface Probe {
  error: { code: string | null } | null;
}

export async function probeAccess(key: string | null): Promise<Access> {
  const read = await graphql<{ backgroundTasks: { listDefinitions: Probe } }>(
    "query ProbeRead { backgroundTasks { listDefinitions { error { code } } } }",
    undefined,
    key,
  );
  const readError = read.backgroundTasks.listDefinitions.error;
  if (readError && readError.code !== NOT_AUTHORIZED) throw new ApiError({ message: "The API refused the read probe.", code: readError.code });
  const probe = await graphql<{ backgroundTasks: { abort: Probe; remove: Probe } }>(
    `mutation ProbeWriteDelete { backgroundTasks {
      abort: abortTask(id: "0") { error { code } }
      remove: deleteTask(id: "0") { error { code } } } }`,
    undefined,
    key,
  );
  const allowed = (result: Probe) => result.error?.code !== NOT_AUTHORIZED;
  return { read: !readError, write: allowed(probe.backgroundTasks.abort), remove: allowed(probe.backgroundTasks.remove) };
}
