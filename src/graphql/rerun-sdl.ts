/**
 * Re-run (docs/run-history.md "Re-run") under Webiny's `backgroundTasks` namespace, with
 * its `{ data, error }` envelopes: `rerunTask` answers as `triggerTask` does (the new
 * task), `rerunTasks` with the count of a bulk action. Extensions of the Webiny types:
 * Webiny clients that never ask for them see nothing new.
 */
export const RERUN_SDL = /* GraphQL */ `
"Stint: which input a re-run starts from: the input as first triggered, or the stored checkpoint."
enum WebinyBackgroundTaskRerunFrom {
  start
  checkpoint
}

extend type WebinyBackgroundTaskMutation {
  "Stint: a new task of a finished task's definition, name and parent, from its first input or its checkpoint (permission w)."
  rerunTask(id: ID!, from: WebinyBackgroundTaskRerunFrom = start): WebinyBackgroundTaskTriggerResponse!
  "Stint: re-runs every finished task (success, failed, aborted) matching where, newest first, at most limit; dryRun counts them only (permission w)."
  rerunTasks(where: WebinyBackgroundTaskListWhereInput!, limit: Int, dryRun: Boolean, from: WebinyBackgroundTaskRerunFrom = start): WebinyBackgroundTaskBulkResponse!
}
`;
