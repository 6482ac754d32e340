import { z } from "zod";
import type { OpDefinition } from "./ops-common.js";
import { OPS } from "./ops/index.js";

/**
 * The structured edit operations of the local backend, as the host writes them: one union
 * of the schemas in the registry (src/local/ops/). Times are in seconds (the draft stores ms).
 */

type SchemasOf<T extends readonly OpDefinition[]> = { -readonly [K in keyof T]: T[K]["schema"] };

export const EditOpSchema = z.discriminatedUnion("op", OPS.map((op) => op.schema) as unknown as SchemasOf<typeof OPS>);

export type EditOp = z.infer<typeof EditOpSchema>;
export type EditOpName = EditOp["op"];
export type OpOf<N extends EditOpName> = Extract<EditOp, { op: N }>;

export const OP_NAMES: readonly EditOpName[] = OPS.map((op) => op.name);

const OP_FIELDS: Record<string, string[]> = Object.fromEntries(
  OPS.map((op) => [op.name, Object.keys(op.schema.shape).filter((key) => key !== "op")]),
);

export type ParsedOp = { ok: true; op: EditOp } | { ok: false; problems: string[] };

/** One op, checked; every problem with it is listed, in words a host can act on. */
export function parseOp(raw: unknown): ParsedOp {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: ['each op must be an object like {"op":"add_clip", …}'] };
  }
  const name = (raw as Record<string, unknown>)["op"];
  if (typeof name !== "string" || !(OP_NAMES as readonly string[]).includes(name)) {
    const shown = typeof name === "string" ? `unknown op "${name}"` : 'missing "op"';
    return { ok: false, problems: [`${shown}; use one of ${OP_NAMES.join(", ")}`] };
  }
  const parsed = EditOpSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { ok: true, op: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => describeIssue(issue, name)) };
}

function describeIssue(issue: z.core.$ZodIssue, op: string): string {
  const field = issue.path.length > 0 ? `"${issue.path.join(".")}"` : "the op";
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; ${op} takes ${OP_FIELDS[op]?.join(", ")}`;
    case "invalid_type":
      return issue.input === undefined ? `${field} is required` : `${field} must be a ${issue.expected}`;
    case "too_small":
      return `${field} must be ${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}${issue.origin === "string" ? " characters" : ""}`;
    case "too_big":
      return `${field} must be ${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}${issue.origin === "string" ? " characters" : ""}`;
    case "invalid_value":
      return `${field} must be one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_union":
      return `${field} has the wrong type`;
    default:
      return `${field}: ${issue.message}`;
  }
}
