/**
 * A long-running task for the dashboard tests: works in small steps with progress and
 * checkpoints every five steps until done or aborted. Its own module so the temporary
 * `stint dev` config written by the harness can import it by absolute path.
 */
import { TaskDefinition } from "../../src/index.js";

interface LongRunningInput {
  steps: number;
  stepMs?: number;
  /** Checkpoint: steps done so far. */
  step?: number;
  /** Throws (an Error, with its stack) once this many steps are done: a failed run for the tests. */
  failAt?: number;
}

/** Works in small steps with progress, and checkpoints every 5 steps until done or aborted. */
class LongRunning implements TaskDefinition.Interface<LongRunningInput, { steps: number }> {
  id = "longRunning";
  title = "Long-running sync";
  description = "Syncs records in small steps, checkpointing every five; runs until done or aborted.";
  maxIterations = 10_000;

  createInputValidation({ validator: z }: { validator: typeof import("zod").z }) {
    return z.object({
      steps: z.number().int().min(1).max(1_000_000).meta({ examples: [1000] }),
      stepMs: z.number().int().min(0).max(10_000).optional(),
      mode: z.enum(["incremental", "full"]).optional(),
      tags: z.array(z.string()).optional(),
      dryRun: z.boolean().optional(),
      failAt: z.number().int().min(1).optional(),
    })
    // A rule JSON Schema cannot say: the browser's check lets it through, the API refuses it.
    .refine((input) => input.failAt === undefined || input.failAt <= input.steps, { message: "failAt must be at most steps.", path: ["failAt"] });
  }

  async run({ input, controller }: TaskDefinition.RunParams<LongRunningInput, { steps: number }>) {
    let step = input.step ?? 0;
    const stepMs = input.stepMs ?? 100;
    for (let i = 0; i < 5 && step < input.steps; i++) {
      if (controller.runtime.isAborted()) return controller.response.aborted();
      await new Promise((r) => setTimeout(r, stepMs));
      step += 1;
      if (input.failAt !== undefined && step >= input.failAt) throw new Error(`Sync failed at record ${step}`);
      controller.progress.set({ done: step, total: input.steps, message: `${step} records synced` });
    }
    controller.logger.info({ message: `Synced ${step} of ${input.steps} records`, data: { step } });
    if (step >= input.steps) return controller.response.done({ steps: step });
    return controller.response.continue({ step });
  }
}

export const longRunning = TaskDefinition.createImplementation({ implementation: LongRunning });
