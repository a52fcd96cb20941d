/** The re-run mutations (rerun-sdl.ts): one TaskService call each, inside the envelope. */
import type { GraphQLResolveInfo } from "graphql";
import type { RerunFrom } from "../service/types.js";
import type { GraphQLContext } from "./context.js";
import { envelope } from "./envelope.js";
import { checkWriteSelection } from "./write-selection.js";

export interface RerunArgs {
  id: string;
  from?: RerunFrom | null;
}

export interface RerunManyArgs {
  where: Record<string, unknown>;
  limit?: number | null;
  dryRun?: boolean | null;
  from?: RerunFrom | null;
}

export const rerunMutationResolvers = {
  rerunTask: (_: unknown, args: RerunArgs, context: GraphQLContext, info: GraphQLResolveInfo) =>
    envelope(context, "w", () => {
      checkWriteSelection(context, info);
      return context.service.rerun({ id: args.id, from: args.from ?? undefined }, context.identity ? { createdBy: context.identity } : {});
    }),
  rerunTasks: (_: unknown, args: RerunManyArgs, context: GraphQLContext) =>
    envelope(context, "w", () =>
      context.service.rerunMany(
        { where: args.where, limit: args.limit ?? undefined, dryRun: args.dryRun ?? undefined, from: args.from ?? undefined },
        context.identity ? { createdBy: context.identity } : {},
      ),
    ),
};
