import type { ProjectClip, ProjectPlan, ProjectSource } from "./plan.js";
import {
  MLT_VERSION, clipVolumeFilter, coverCrop, fileProducer, logoFilter, sourceFrames, mltTransition, musicEntries, musicVolumeFilter, profile, textFilter,
} from "./mlt-parts.js";
import { type XmlNode, element, properties, renderXml } from "./xml.js";

/**
 * The plan as an MLT XML project the way Shotcut saves one (and melt plays): a `main_bin`,
 * a black background track, the clips on V1 with each transition as a small tractor between
 * them (Shotcut's "lumaMix"), each music piece on an audio track, logos and titles as filters
 * over the whole output (watermark, text). Transitions blend exactly the frames the render blends:
 * clip i−1 plays up to its last `overlap` frames, the transition plays those with the first
 * `overlap` frames of clip i, and clip i goes on from there.
 */
export function writeMlt(plan: ProjectPlan): string {
  const last = plan.totalFrames - 1;
  const sources = new Map(plan.sources.map((source) => [source.id, source]));
  const sourceOf = (id: string): ProjectSource => sources.get(id)!;
  const nodes: XmlNode[] = [profile(plan), element("playlist", { id: "main_bin" }, properties({ xml_retain: 1 }))];

  nodes.push(element("producer", { id: "black", in: 0, out: last }, properties({
    length: plan.totalFrames, eof: "pause", resource: "black", aspect_ratio: 1, mlt_service: "color", mlt_image_format: "rgba", "set.test_audio": 0,
  })));
  nodes.push(element("playlist", { id: "background" }, [element("entry", { producer: "black", in: 0, out: last })]));

  // V1: each clip's producer (with its own sound level), then the transitions, then the track.
  for (const clip of plan.clips) {
    const volume = clipVolumeFilter(clip);
    nodes.push(fileProducer(producerId(clip), sourceOf(clip.sourceId), plan, {
      // Long enough for every frame the render takes (it holds a source's last frame when a clip runs past it).
      length: clip.kind === "image" ? clip.frames : Math.max(sourceFrames(sourceOf(clip.sourceId), plan) ?? 0, clip.sourceInFrame + clip.frames),
      filters: [coverCrop(clip, sourceOf(clip.sourceId), plan), volume].filter((f): f is XmlNode => f !== undefined),
    }));
  }
  const v1: XmlNode[] = properties({ "shotcut:video": 1, "shotcut:name": "V1" });
  plan.clips.forEach((clip, i) => {
    const next = plan.clips[i + 1];
    const head = clip.transition?.frames ?? 0;
    const tail = next?.transition?.frames ?? 0;
    if (head > 0) {
      const tractor = transitionTractor(plan.clips[i - 1]!, clip);
      nodes.push(tractor);
      v1.push(element("entry", { producer: tractor.attributes!["id"] as string, in: 0, out: head - 1 }));
    }
    const first = clip.sourceInFrame + head;
    v1.push(element("entry", { producer: producerId(clip), in: first, out: clip.sourceInFrame + clip.frames - tail - 1 }));
  });
  const tracks: Array<{ producer: string; hide?: string; video: boolean }> = [{ producer: "background", video: true }];
  if (plan.clips.length > 0) {
    nodes.push(element("playlist", { id: "playlist_video" }, v1));
    tracks.push({ producer: "playlist_video", video: true });
  }

  // A1…: each music piece on its own audio track, its level and fades on the track.
  plan.music.forEach((music, k) => {
    const id = `music_${music.id}`;
    const source = sourceOf(music.sourceId);
    nodes.push(fileProducer(id, source, plan));
    const entries: XmlNode[] = [
      ...properties({ "shotcut:audio": 1, "shotcut:name": `A${k + 1}` }),
      ...(music.startFrame > 0 ? [element("blank", { length: music.startFrame })] : []),
      ...musicEntries(music, id, source, plan),
      musicVolumeFilter(music, { in: music.startFrame, out: music.startFrame + music.frames - 1 }),
    ];
    nodes.push(element("playlist", { id: `playlist_${id}` }, entries));
    tracks.push({ producer: `playlist_${id}`, hide: "video", video: false });
  });

  const mixing: XmlNode[] = [];
  tracks.forEach((track, index) => {
    if (index === 0) return;
    // Every track's sound is summed into the background's, as the render's amix (normalize=0).
    mixing.push(element("transition", {}, properties({ a_track: 0, b_track: index, mlt_service: "mix", always_active: 1, sum: 1 })));
    if (track.video) {
      mixing.push(element("transition", {}, properties({ a_track: 0, b_track: index, mlt_service: "qtblend", always_active: 1, compositing: 0, distort: 0 })));
    }
  });

  nodes.push(element("tractor", { id: "tractor_main", title: plan.title, in: 0, out: last }, [
    ...properties({ shotcut: 1, "shotcut:projectAudioChannels": 2, "shotcut:projectFolder": 0 }),
    ...tracks.map((track) => element("track", { producer: track.producer, hide: track.hide })),
    ...mixing,
    // Logos, then titles over them, as the render draws them; both as filters of the whole output.
    ...plan.logos.map((logo) => logoFilter(logo, sourceOf(logo.sourceId), plan)),
    ...plan.texts.map((text) => textFilter(text, plan)),
  ]));

  return renderXml(element("mlt", { LC_NUMERIC: "C", version: MLT_VERSION, title: plan.title, producer: "main_bin" }, nodes));
}

export function producerId(clip: ProjectClip): string {
  return `clip_${clip.id}`;
}

/**
 * Shotcut's transition on one track: a tractor of the outgoing clip's last frames and the
 * incoming clip's first, a luma wipe (no map: a dissolve) for the picture and a crossfade for
 * the sound.
 */
function transitionTractor(from: ProjectClip, into: ProjectClip): XmlNode {
  const frames = into.transition!.frames;
  const fromEnd = from.sourceInFrame + from.frames;
  const wipe = mltTransition(into.transition!.type);
  return element("tractor", { id: `transition_${into.id}`, in: 0, out: frames - 1 }, [
    ...properties({ "shotcut:transition": "lumaMix", "video-maker:transition": into.transition!.type }),
    element("track", { producer: producerId(from), in: fromEnd - frames, out: fromEnd - 1 }),
    element("track", { producer: producerId(into), in: into.sourceInFrame, out: into.sourceInFrame + frames - 1 }),
    element("transition", { out: frames - 1 }, properties({
      a_track: 0, b_track: 1, factory: "loader", mlt_service: "luma", resource: wipe.resource, invert: wipe.invert, softness: 0,
    })),
    element("transition", { out: frames - 1 }, properties({ a_track: 0, b_track: 1, mlt_service: "mix", start: -1, accepts_blanks: 1 })),
  ]);
}
