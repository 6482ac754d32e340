import { z } from "zod";

/** Ids arrive as strings or numbers, sometimes null; read them all as an optional string. */
export const optionalId = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value == null ? undefined : String(value)));
