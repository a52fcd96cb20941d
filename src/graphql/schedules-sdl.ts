/**
 * Stint's schedule queries and mutations, under Webiny's `backgroundTasks` namespace in
 * its naming style (`listSchedules`, `getSchedule`, `createSchedule(data:)`, ...) and
 * with its `{ data, error }` envelopes. Extensions of the Webiny types: Webiny clients
 * that never ask for them see nothing new.
 */
export const SCHEDULES_SDL = /* GraphQL */ `
"Stint: what a tick does while the schedule's previous task is unfinished."
enum WebinyBackgroundTaskScheduleOverlap {
  allow
  skip
}

"Stint: a definition triggered on a cron expression (docs/schedules.md)."
type WebinyBackgroundTaskSchedule {
  id: ID!
  definitionId: String!
  "Five fields, or six with seconds first."
  cron: String!
  "IANA timezone the cron is read in."
  timezone: String!
  input: JSON
  "The name of the tasks it creates; null: the definition's title."
  name: String
  enabled: Boolean!
  overlap: WebinyBackgroundTaskScheduleOverlap!
  "Missed ticks at most this old are still created (0: none)."
  backfillSeconds: Int!
  "config (synced from the config file at each start) or api."
  source: String!
  "The next tick; null while disabled."
  nextRunAt: DateTime
  lastRunAt: DateTime
  "Its tasks are listed with listTasks(where: { createdBy: \\"schedule:<id>\\" })."
  lastTaskId: ID
  "The next ticks from nextRunAt: count 1 to 100, default 5; empty while disabled."
  nextRuns(count: Int): [DateTime!]!
  createdOn: DateTime!
  savedOn: DateTime!
}

type WebinyBackgroundTaskScheduleResponse {
  data: WebinyBackgroundTaskSchedule
  error: WebinyBackgroundTaskError
}

type WebinyBackgroundTaskScheduleListResponse {
  data: [WebinyBackgroundTaskSchedule!]
  error: WebinyBackgroundTaskError
}

input WebinyBackgroundTaskScheduleCreateInput {
  id: ID!
  definition: String!
  cron: String!
  timezone: String
  input: JSON
  name: String
  enabled: Boolean
  overlap: WebinyBackgroundTaskScheduleOverlap
  backfillSeconds: Int
}

"Only the fields given change; a new cron, timezone or re-enable recomputes the next tick."
input WebinyBackgroundTaskScheduleUpdateInput {
  definition: String
  cron: String
  timezone: String
  input: JSON
  name: String
  enabled: Boolean
  overlap: WebinyBackgroundTaskScheduleOverlap
  backfillSeconds: Int
}

extend type WebinyBackgroundTaskQuery {
  "Stint: every schedule, by id."
  listSchedules: WebinyBackgroundTaskScheduleListResponse!
  "Stint: one schedule (error SCHEDULE_NOT_FOUND when there is none)."
  getSchedule(id: ID!): WebinyBackgroundTaskScheduleResponse!
}

extend type WebinyBackgroundTaskMutation {
  "Stint: a new schedule (permission w)."
  createSchedule(data: WebinyBackgroundTaskScheduleCreateInput!): WebinyBackgroundTaskScheduleResponse!
  "Stint: changes a schedule (permission w)."
  updateSchedule(id: ID!, data: WebinyBackgroundTaskScheduleUpdateInput!): WebinyBackgroundTaskScheduleResponse!
  "Stint: deletes a schedule; its tasks stay (permission d)."
  deleteSchedule(id: ID!): WebinyBackgroundTaskDeleteResponse!
}
`;
