import { z } from "zod";

/**
 * OpenTimelineIO's serialized schema as a checker, for the schema versions our writer emits and
 * the real sample files check it against. Written from the published schema of the latest
 * release, OTIO v0.18.1 (docs/tutorials/otio-serialized-schema-only-fields.md, commit
 * 44236713c1db295a6ffc66189ae98dbdfd0cb9c4): each object has exactly the fields listed there and
 * none other. The document names fields but not their types nor which are required; those come
 * from the same release's C++ readers (src/opentimelineio/*.cpp `read_from`: a field read with
 * `read` is required, with `read_if_present` optional) and deserialization.cpp (RationalTime,
 * TimeRange, Color, Box2d). One field the document does not list: `children` of a Track or
 * Stack, which Composition::read_from requires.
 */

const rationalTime = z.strictObject({ OTIO_SCHEMA: z.literal("RationalTime.1"), rate: z.number().positive(), value: z.number() });
const timeRange = z.strictObject({ OTIO_SCHEMA: z.literal("TimeRange.1"), duration: rationalTime, start_time: rationalTime });
const v2d = z.strictObject({ OTIO_SCHEMA: z.literal("V2d.1"), x: z.number(), y: z.number() });
const box2d = z.strictObject({ OTIO_SCHEMA: z.literal("Box2d.1"), min: v2d, max: v2d });
/** Color.1: the RGBA colour items may carry since 0.18 (not Marker.2's named colour). */
const colour = z.strictObject({ OTIO_SCHEMA: z.literal("Color.1"), name: z.string(), r: z.number(), g: z.number(), b: z.number(), a: z.number() });

/** SerializableObjectWithMetadata: metadata is any dictionary. */
const withMetadata = { metadata: z.record(z.string(), z.unknown()).optional(), name: z.string().optional() };

/** Marker.2's colour: a MarkerColor name (marker.h). */
export const MARKER_COLOURS = ["PINK", "RED", "ORANGE", "YELLOW", "GREEN", "CYAN", "BLUE", "PURPLE", "MAGENTA", "BLACK", "WHITE"] as const;

const marker = z.strictObject({
  OTIO_SCHEMA: z.literal("Marker.2"),
  ...withMetadata,
  color: z.enum(MARKER_COLOURS).optional(),
  comment: z.string().optional(),
  marked_range: timeRange,
});

const effect = z.strictObject({
  OTIO_SCHEMA: z.literal("Effect.1"),
  ...withMetadata,
  effect_name: z.string(),
  enabled: z.boolean().optional(),
});

/** Item: what a Clip, Gap, Track and Stack share. */
const itemFields = {
  ...withMetadata,
  source_range: timeRange.nullable().optional(),
  effects: z.array(effect).optional(),
  markers: z.array(marker).optional(),
  enabled: z.boolean().optional(),
  color: colour.nullable().optional(),
};

const mediaReferenceFields = {
  ...withMetadata,
  available_range: timeRange.nullable().optional(),
  available_image_bounds: box2d.nullable().optional(),
};

const externalReference = z.strictObject({ OTIO_SCHEMA: z.literal("ExternalReference.1"), ...mediaReferenceFields, target_url: z.string() });
const missingReference = z.strictObject({ OTIO_SCHEMA: z.literal("MissingReference.1"), ...mediaReferenceFields });
const generatorReference = z.strictObject({
  OTIO_SCHEMA: z.literal("GeneratorReference.1"),
  ...mediaReferenceFields,
  generator_kind: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
const mediaReference = z.discriminatedUnion("OTIO_SCHEMA", [externalReference, missingReference, generatorReference]);

const clip = z.strictObject({
  OTIO_SCHEMA: z.literal("Clip.2"),
  ...itemFields,
  media_references: z.record(z.string(), mediaReference),
  active_media_reference_key: z.string(),
});

const gap = z.strictObject({ OTIO_SCHEMA: z.literal("Gap.1"), ...itemFields });

const transition = z.strictObject({
  OTIO_SCHEMA: z.literal("Transition.1"),
  ...withMetadata,
  in_offset: rationalTime,
  out_offset: rationalTime,
  /** Transition::Type. */
  transition_type: z.enum(["SMPTE_Dissolve", "Custom_Transition"]),
});

type Composable = z.infer<typeof clip> | z.infer<typeof gap> | z.infer<typeof transition> | Track | Stack;
interface Track extends z.infer<z.ZodObject<typeof itemFields>> {
  OTIO_SCHEMA: "Track.1";
  kind: "Video" | "Audio";
  children: Composable[];
}
interface Stack extends z.infer<z.ZodObject<typeof itemFields>> {
  OTIO_SCHEMA: "Stack.1";
  children: Composable[];
}

/** A plain union (a recursive discriminated union loses its types); problems() picks the branch OTIO_SCHEMA names. */
const composable: z.ZodType<Composable> = z.lazy(() => z.union([clip, gap, transition, track, stack]));
const track: z.ZodType<Track> = z.strictObject({
  OTIO_SCHEMA: z.literal("Track.1"),
  ...itemFields,
  /** Track::Kind. */
  kind: z.enum(["Video", "Audio"]),
  children: z.array(composable),
});
const stack: z.ZodType<Stack> = z.strictObject({ OTIO_SCHEMA: z.literal("Stack.1"), ...itemFields, children: z.array(composable) });

export const otioTimeline = z.strictObject({
  OTIO_SCHEMA: z.literal("Timeline.1"),
  ...withMetadata,
  global_start_time: rationalTime.nullable().optional(),
  tracks: stack,
});

export type OtioTimeline = z.infer<typeof otioTimeline>;
export type OtioTrack = Track;
export type OtioComposable = Composable;

/** Where a document breaks the schema ("tracks.children.0.kind: …"), or [] when it keeps to it. */
export function schemaProblems(document: unknown): string[] {
  const parsed = otioTimeline.safeParse(document);
  return parsed.success ? [] : problems(parsed.error.issues, []);
}

/** Zod's issues as lines; inside a union, those of the branch whose OTIO_SCHEMA the object names. */
function problems(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union") {
      const named = issue.errors.find((branch) => !branch.some((i) => i.path.length === 1 && i.path[0] === "OTIO_SCHEMA"));
      if (named) return problems(named, path);
      return [`${path.join(".")}: not an object of a schema this checker knows`];
    }
    return [`${path.map(String).join(".") || "(document)"}: ${issue.message}`];
  });
}
