import { z } from "zod";
import { defineOp, field, segmentOrFail } from "../ops-common.js";

export const remove = defineOp({
  name: "remove",
  schema: z.strictObject({ segment: field.segment }),
  guide: { fields: "segment" },
  apply(t, op) {
    const found = segmentOrFail(t, op.segment);
    t[found.track].splice(found.index, 1);
    return [];
  },
});
