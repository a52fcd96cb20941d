/**
 * Names a value a task returned or threw, for the error that says why an iteration
 * failed: "undefined", "a string (\"ok\")", "an object without a status", ... Never
 * throws (the value may be a hostile proxy or an object with a throwing `toString`).
 */

const PREVIEW_CHARS = 60;

export function nameValue(value: unknown): string {
  try {
    switch (typeof value) {
      case "undefined":
        return "undefined";
      case "string":
        return `a string (${JSON.stringify(preview(value))})`;
      case "number":
        return `a number (${String(value)})`;
      case "boolean":
        return `a boolean (${String(value)})`;
      case "bigint":
        return `a BigInt (${String(value)}n)`;
      case "symbol":
        return `a symbol (${String(value)})`;
      case "function":
        return value.name ? `a function (${value.name})` : "a function";
      default:
        break;
    }
    if (value === null) return "null";
    if (Array.isArray(value)) return `an array (length ${value.length})`;
    if (value instanceof Promise) return "a promise";
    if (value instanceof Map) return "a Map";
    if (value instanceof Set) return "a Set";
    if (value instanceof Date) return `a Date (${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
    const name = constructorName(value as object);
    return name && name !== "Object" ? `an instance of ${name}` : "an object";
  } catch {
    return "a value that cannot be described";
  }
}

function constructorName(value: object): string | undefined {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const name = proto?.constructor?.name;
  return typeof name === "string" ? name : undefined;
}

function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
