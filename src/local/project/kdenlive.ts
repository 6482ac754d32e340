import type { ProjectClip, ProjectPlan, ProjectSource } from "./plan.js";
import {
  MLT_VERSION, clipVolumeFilter, coverCrop, fileProducer, logoFilter, mltTransition, musicEntries, musicVolumeFilter, profile, textFilter,
} from "./mlt-parts.js";
import { type XmlNode, element, properties, renderXml } from "./xml.js";

/**
 * The plan as a Kdenlive document (the 22.12 layout, document version 1.04, which Kdenlive
 * 23.04 and later upgrade when they open it; KDE/kdenlive dev-docs/fileformat.md and its
 * tests/dataset/*.kdenlive). It is MLT XML with what Kdenlive needs on top:
 *
 * - a `main_bin` playlist with `kdenlive:docproperties.*` and an entry for each file (the bin);
 * - every file a producer with `kdenlive:id`, repeated on each timeline entry;
 * - each timeline track a tractor of TWO playlists, so a transition is a "mix": the incoming
 *   clip on the other playlist, overlapping by the transition's frames, with a luma (picture)
 *   or mix (sound) transition over the overlap;
 * - a clip's picture on a video track and its sound on an audio track (Kdenlive splits them);
 * - a `black_track` under everything and the last tractor the timeline, audio tracks first.
 */
export function writeKdenlive(plan: ProjectPlan): string {
  const last = plan.totalFrames - 1;
  const binIds = new Map(plan.sources.map((source, k) => [source.id, k + 2]));
  const sources = new Map(plan.sources.map((source) => [source.id, source]));
  const sourceOf = (id: string): ProjectSource => sources.get(id)!;
  const kdenliveId = (sourceId: string): number => binIds.get(sourceId)!;
  const nodes: XmlNode[] = [profile(plan)];

  for (const source of plan.sources) {
    // Long enough for every frame the render takes of it (a clip may run past a source's last frame, which it holds).
    const used = plan.clips.filter((clip) => clip.sourceId === source.id).map((clip) => clip.sourceInFrame + clip.frames);
    const length = source.kind === "image" ? plan.totalFrames : used.length > 0 ? Math.max(sourceFramesOf(source, plan), ...used) : undefined;
    nodes.push(fileProducer(binProducer(source), source, plan, {
      ...(length !== undefined ? { length } : {}),
      extra: { "kdenlive:clipname": source.name, "kdenlive:folderid": -1, "kdenlive:id": kdenliveId(source.id), "kdenlive:clip_type": clipType(source) },
    }));
  }
  nodes.push(element("playlist", { id: "main_bin" }, [
    ...properties({
      "kdenlive:docproperties.version": "1.04",
      "kdenlive:docproperties.kdenliveversion": "22.12.3",
      "kdenlive:docproperties.documentid": documentId(plan),
      "kdenlive:docproperties.audioChannels": 2,
      "kdenlive:docproperties.compositing": 1,
      "kdenlive:docproperties.enableproxy": 0,
      "kdenlive:docproperties.groups": "[\n]\n",
      "kdenlive:docproperties.position": 0,
      "kdenlive:docproperties.zonein": 0,
      "kdenlive:docproperties.zoneout": Math.min(last, 75),
      "kdenlive:documentnotes": "",
      xml_retain: 1,
    }),
    ...plan.sources.map((source) => element("entry", { producer: binProducer(source), in: 0, out: (source.kind === "image" ? plan.totalFrames : (sourceFramesOf(source, plan))) - 1 })),
  ]));
  nodes.push(element("producer", { id: "black_track", in: 0, out: last }, properties({
    length: plan.totalFrames, eof: "continue", resource: "black", aspect_ratio: 1, mlt_service: "color", mlt_image_format: "rgba", "set.test_audio": 0,
  })));

  const tracks: Array<{ id: string; audio: boolean }> = [];
  const track = (id: string, audio: boolean, playlists: [XmlNode[], XmlNode[]], extra: XmlNode[] = []): void => {
    const hide = audio ? "video" : "audio";
    playlists.forEach((children, k) => nodes.push(element("playlist", { id: `${id}_${k}` }, [...(audio ? properties({ "kdenlive:audio_track": 1 }) : []), ...children])));
    nodes.push(element("tractor", { id, in: 0, out: last }, [
      ...properties({ ...(audio ? { "kdenlive:audio_track": 1 } : {}), "kdenlive:trackheight": 67, "kdenlive:timeline_active": 1, "kdenlive:collapsed": 0 }),
      element("track", { producer: `${id}_0`, hide }),
      element("track", { producer: `${id}_1`, hide }),
      ...extra,
    ]));
    tracks.push({ id, audio });
  };

  // Music first (audio tracks sit below the video in Kdenlive), then the clips' own sound.
  plan.music.forEach((music, k) => {
    const source = sourceOf(music.sourceId);
    const entries = musicEntries(music, binProducer(source), source, plan).map((entry) => withId(entry, kdenliveId(source.id)));
    const blank = music.startFrame > 0 ? [element("blank", { length: music.startFrame })] : [];
    track(`music_${k + 1}`, true, [[...blank, ...entries], []], [musicVolumeFilter(music, { in: music.startFrame, out: music.startFrame + music.frames - 1 })]);
  });
  if (plan.clips.length > 0) {
    const sides = clipSides(plan.clips);
    const clipEntries = (audio: boolean): [XmlNode[], XmlNode[]] => {
      const lists: [XmlNode[], XmlNode[]] = [[], []];
      const cursor = [0, 0];
      plan.clips.forEach((clip, i) => {
        const side = sides[i]!;
        if (audio && !sourceOf(clip.sourceId).hasAudio) return;
        if (clip.startFrame > cursor[side]!) lists[side].push(element("blank", { length: clip.startFrame - cursor[side]! }));
        const filters = audio ? [clipVolumeFilter(clip)] : [coverCrop(clip, sourceOf(clip.sourceId), plan)];
        lists[side].push(element("entry", { producer: binProducer(sourceOf(clip.sourceId)), in: clip.sourceInFrame, out: clip.sourceInFrame + clip.frames - 1 }, [
          ...properties({ "kdenlive:id": kdenliveId(clip.sourceId) }),
          ...filters,
        ]));
        cursor[side] = clip.startFrame + clip.frames;
      });
      return lists;
    };
    const mixes = (audio: boolean): XmlNode[] =>
      plan.clips.flatMap((clip, i) => {
        if (!clip.transition) return [];
        const span = { in: clip.startFrame, out: clip.startFrame + clip.transition.frames - 1 };
        // The mix runs from the playlist the outgoing clip is on to the other one.
        const reverse = sides[i] === 0 ? 1 : 0;
        if (audio) return [element("transition", span, properties({ a_track: 0, b_track: 1, mlt_service: "mix", kdenlive_id: "mix", start: -1, accepts_blanks: 1, reverse }))];
        const wipe = mltTransition(clip.transition.type);
        return [element("transition", span, properties({
          a_track: 0, b_track: 1, factory: "loader", mlt_service: "luma", kdenlive_id: "luma", resource: wipe.resource ?? "", softness: 0, alpha_over: 1, invert: wipe.invert ?? 0, reverse,
          "kdenlive:mixcut": Math.floor(clip.transition.frames / 2),
        }))];
      });
    track("clips_sound", true, clipEntries(true), mixes(true));
    track("clips_picture", false, clipEntries(false), mixes(false));
  }
  // The timeline: the black track, then every track; their sound summed and their pictures laid over, as Kdenlive adds them itself.
  const internal = tracks.map((t, k) =>
    element("transition", {}, properties(t.audio
      ? { a_track: 0, b_track: k + 1, mlt_service: "mix", kdenlive_id: "mix", internal_added: 237, always_active: 1, accepts_blanks: 1, sum: 1 }
      : { a_track: 0, b_track: k + 1, mlt_service: "qtblend", kdenlive_id: "qtblend", internal_added: 237, always_active: 1, compositing: 0, distort: 0 })),
  );
  // As in a 22.12 document, the timeline is simply the last tractor (Kdenlive 23.04+ wraps it in a sequence when upgrading).
  nodes.push(element("tractor", { id: "timeline", title: plan.title, in: 0, out: last }, [
    element("track", { producer: "black_track" }),
    ...tracks.map((t) => element("track", { producer: t.id })),
    ...internal,
    ...plan.logos.map((logo) => logoFilter(logo, sourceOf(logo.sourceId), plan)),
    ...plan.texts.map((text) => textFilter(text, plan)),
  ]));
  return renderXml(element("mlt", { LC_NUMERIC: "C", version: MLT_VERSION, title: plan.title, producer: "main_bin" }, nodes));
}

function binProducer(source: ProjectSource): string {
  return `bin_${source.id}`;
}

function withId(entry: XmlNode, id: number): XmlNode {
  return { ...entry, children: [...(entry.children ?? []), ...properties({ "kdenlive:id": id })] };
}

/** Kdenlive's clip state: 0 picture and sound, 1 sound only, 2 picture only. */
function clipType(source: ProjectSource): number {
  if (source.kind === "audio") return 1;
  return source.kind === "video" && source.hasAudio ? 0 : 2;
}

function sourceFramesOf(source: ProjectSource, plan: ProjectPlan): number {
  return Math.max(1, Math.floor(((source.durationMs ?? 0) * plan.frameRate.num) / (plan.frameRate.den * 1000)));
}

/** Which of a track's two playlists each clip is on: a transition puts the incoming clip on the other. */
function clipSides(clips: readonly ProjectClip[]): Array<0 | 1> {
  const sides: Array<0 | 1> = [];
  clips.forEach((clip, i) => sides.push(i === 0 ? 0 : clip.transition ? ((1 - sides[i - 1]!) as 0 | 1) : sides[i - 1]!));
  return sides;
}

/** A stable number for the document (Kdenlive names its cache folders after it): FNV-1a of the sources and the length. */
function documentId(plan: ProjectPlan): string {
  let hash = 0x811c9dc5;
  for (const char of `${plan.sources.map((s) => s.path).join("\n")}\n${plan.totalFrames}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return String(hash);
}
