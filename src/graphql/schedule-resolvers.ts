/**
 * Resolvers of the schedule fields (schedules-sdl.ts): one ScheduleService call each,
 * inside the same envelope helpers as the task fields.
 */
import { Errors } from "../domain/errors.js";
import type { ScheduleChanges, ScheduleDeclaration, ScheduleRecord, ScheduleService } from "../schedules/types.js";
import type { GraphQLContext } from "./context.js";
import { envelope } from "./envelope.js";

function schedulesOf(context: GraphQLContext): ScheduleService {
  if (!context.schedules) throw Errors.storageUnavailable("this server was started without schedules");
  return context.schedules;
}

/** GraphQL's explicit nulls mean "not given" (the service's defaults apply). */
function given<T extends object>(data: T): Partial<T> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null && value !== undefined)) as Partial<T>;
}

export const scheduleQueryResolvers = {
  listSchedules: (_: unknown, __: unknown, context: GraphQLContext) => envelope(context, "r", () => schedulesOf(context).list()),
  getSchedule: (_: unknown, args: { id: string }, context: GraphQLContext) =>
    envelope(context, "r", async () => {
      const schedule = await schedulesOf(context).get(args.id);
      if (!schedule) throw Errors.scheduleNotFound(args.id);
      return schedule;
    }),
};

export const scheduleMutationResolvers = {
  createSchedule: (_: unknown, args: { data: ScheduleDeclaration }, context: GraphQLContext) =>
    envelope(context, "w", () => schedulesOf(context).create(given(args.data) as ScheduleDeclaration)),
  updateSchedule: (_: unknown, args: { id: string; data: ScheduleChanges }, context: GraphQLContext) =>
    envelope(context, "w", () => schedulesOf(context).update(args.id, given(args.data))),
  deleteSchedule: (_: unknown, args: { id: string }, context: GraphQLContext) => envelope(context, "d", () => schedulesOf(context).delete(args.id)),
};

export const scheduleTypeResolvers = {
  WebinyBackgroundTaskSchedule: {
    nextRuns: (schedule: ScheduleRecord, args: { count?: number | null }, context: GraphQLContext) =>
      schedulesOf(context).nextRuns(schedule, args.count ?? 5),
  },
};
