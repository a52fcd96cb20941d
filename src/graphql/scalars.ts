/**
 * The three scalars of Webiny's schema. `DateTime` goes out as an ISO string and comes in
 * as one (normalised to ISO, handed to the service as a string); `Number` is any finite
 * number; `JSON` is any JSON value, written inline or through variables.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";

export const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  description: "Any JSON value.",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalToJson(ast, variables ?? undefined),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  description: "A point in time as an ISO 8601 string, e.g. 2024-05-01T12:00:00.000Z.",
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === "string" || typeof value === "number") return toIsoString(value);
    throw new GraphQLError(`DateTime cannot represent ${typeof value} value.`);
  },
  parseValue: (value) => toIsoString(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be an ISO 8601 string.", { nodes: ast });
    return toIsoString(ast.value);
  },
});

export const NumberScalar = new GraphQLScalarType({
  name: "Number",
  description: "A finite number (integer or decimal).",
  serialize: (value) => toFiniteNumber(value),
  parseValue: (value) => toFiniteNumber(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) {
      throw new GraphQLError("Number must be a numeric literal.", { nodes: ast });
    }
    return toFiniteNumber(Number(ast.value));
  },
});

/** ISO 8601 date or date-time; `new Date()` alone would read "1" as the year 2001. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function toIsoString(value: unknown): string {
  if (typeof value === "string" && !ISO_DATE.test(value)) {
    throw new GraphQLError(`DateTime must be an ISO 8601 string; got "${value.slice(0, 50)}".`);
  }
  if (typeof value !== "string" && typeof value !== "number") {
    throw new GraphQLError("DateTime must be an ISO 8601 string.");
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent "${String(value).slice(0, 50)}".`);
  return date.toISOString();
}

function toFiniteNumber(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new GraphQLError(`Number cannot represent ${JSON.stringify(value)?.slice(0, 50) ?? typeof value}.`);
  }
  return value;
}

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.ENUM:
      return ast.value;
    case Kind.LIST:
      return ast.values.map((item) => literalToJson(item, variables));
    case Kind.OBJECT: {
      const object: Record<string, unknown> = {};
      for (const field of ast.fields) object[field.name.value] = literalToJson(field.value, variables);
      return object;
    }
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}
