/**
 * The definitions a Stint instance knows, by id. Webiny silently keeps the first of two
 * definitions with the same id; Stint refuses the second, because a task would otherwise
 * run code its author did not expect.
 */
import { Errors } from "../domain/errors.js";
import type { AnyTaskDefinition } from "./types.js";

/** The definitions a Stint knows, by id (`stint.definitions`). */
export class DefinitionRegistry {
  // A Map keeps registration order, which is the order listDefinitions shows.
  private readonly definitions = new Map<string, AnyTaskDefinition>();

  /** Adds one definition; a duplicate id throws `TASK_DEFINITION_DUPLICATE`. */
  register(definition: AnyTaskDefinition): this {
    assertHandle(definition);
    if (this.definitions.has(definition.id)) throw Errors.definitionDuplicate(definition.id);
    this.definitions.set(definition.id, definition);
    return this;
  }

  /** All or nothing: a bad or duplicate definition leaves the registry unchanged. */
  registerAll(definitions: Iterable<AnyTaskDefinition>): this {
    const incoming = new Map<string, AnyTaskDefinition>();
    for (const definition of definitions) {
      assertHandle(definition);
      if (this.definitions.has(definition.id) || incoming.has(definition.id)) {
        throw Errors.definitionDuplicate(definition.id);
      }
      incoming.set(definition.id, definition);
    }
    for (const [id, definition] of incoming) this.definitions.set(id, definition);
    return this;
  }

  /** The definition with this id, or undefined. */
  get(id: string): AnyTaskDefinition | undefined {
    return this.definitions.get(id);
  }

  /** Whether a definition with this id is registered. */
  has(id: string): boolean {
    return this.definitions.has(id);
  }

  /** Public definitions only unless `includePrivate`; in registration order. */
  list(options: { includePrivate?: boolean } = {}): AnyTaskDefinition[] {
    const all = [...this.definitions.values()];
    return options.includePrivate ? all : all.filter((definition) => !definition.isPrivate);
  }

  /** Every id, private ones included: workers claim tasks of all of them. */
  ids(): string[] {
    return [...this.definitions.keys()];
  }
}

/**
 * A raw class instance or plain object has not been normalised (no defaults, no input
 * validation); registering it would fail later, inside the runner, far from the mistake.
 */
function assertHandle(definition: unknown): asserts definition is AnyTaskDefinition {
  const candidate = definition as Partial<AnyTaskDefinition> | null;
  const id = candidate && typeof candidate === "object" ? String(candidate.id) : String(definition);
  if (
    !candidate ||
    typeof candidate !== "object" ||
    typeof candidate.id !== "string" ||
    typeof candidate.run !== "function" ||
    typeof candidate.validateInput !== "function" ||
    typeof candidate.inputJsonSchema !== "function"
  ) {
    throw Errors.definitionInvalid(
      id,
      "register the value returned by createTaskDefinition or TaskDefinition.createImplementation.",
    );
  }
}
