/**
 * Draws the timeline as tracks (video, music, titles, subtitles…): each segment a box at its
 * place with its label and times, a ruler, and a playhead. Pure DOM, no framework.
 */

export interface StudioSegment {
  id?: string;
  label: string;
  start_s: number;
  end_s: number;
}

export interface StudioTrack {
  index: number;
  kind: "video" | "music" | "titles" | "subtitles" | "logos" | "other";
  name: string;
  segments: StudioSegment[];
}

/** What the server's video-maker://studio/timeline resource holds. */
export interface StudioTimeline {
  backend: "local" | "nemo";
  session_id: string;
  timeline: string;
  duration_s: number;
  can: { frames: boolean; undo: boolean; preview_video: boolean; thumbnails: boolean };
  tracks: StudioTrack[];
}

const LANE_NAME_WIDTH = 84;

export function seconds(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${rounded}s`;
}

export function drawTimeline(root: HTMLElement, ruler: HTMLElement, timeline: StudioTimeline): void {
  const duration = Math.max(timeline.duration_s, 0.1);
  root.replaceChildren();
  for (const track of timeline.tracks) {
    const lane = document.createElement("div");
    lane.className = "lane";
    lane.dataset.kind = track.kind;
    const name = document.createElement("div");
    name.className = "lane-name";
    name.textContent = track.name;
    const area = document.createElement("div");
    area.className = "lane-track";
    for (const segment of track.segments) {
      const box = document.createElement("div");
      box.className = `segment ${track.kind}`;
      box.style.left = `${(segment.start_s / duration) * 100}%`;
      box.style.width = `${(Math.max(0, segment.end_s - segment.start_s) / duration) * 100}%`;
      box.title = `${segment.label} (${seconds(segment.start_s)}–${seconds(segment.end_s)})${segment.id ? ` · id ${segment.id}` : ""}`;
      if (segment.id) box.dataset.id = segment.id;
      box.dataset.start = String(segment.start_s);
      box.dataset.end = String(segment.end_s);
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = segment.label;
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = `${seconds(segment.start_s)}–${seconds(segment.end_s)}`;
      box.append(label, time);
      area.append(box);
    }
    lane.append(name, area);
    root.append(lane);
  }
  ruler.replaceChildren();
  const step = niceStep(duration);
  for (let t = 0; t <= duration + 1e-6; t += step) {
    const mark = document.createElement("span");
    mark.style.left = `${(t / duration) * 100}%`;
    mark.textContent = seconds(t);
    ruler.append(mark);
  }
}

/** The time under a click on the timeline, or undefined left of the tracks. */
export function timeAt(root: HTMLElement, clientX: number, duration: number): number | undefined {
  const box = root.getBoundingClientRect();
  const left = box.left + LANE_NAME_WIDTH;
  const width = box.width - LANE_NAME_WIDTH - 4;
  if (clientX < left || width <= 0) return undefined;
  return Math.min(duration, Math.max(0, ((clientX - left) / width) * duration));
}

export function placePlayhead(playhead: HTMLElement, root: HTMLElement, at: number, duration: number): void {
  const width = root.getBoundingClientRect().width - LANE_NAME_WIDTH - 4;
  playhead.hidden = duration <= 0;
  playhead.style.left = `${LANE_NAME_WIDTH + (Math.min(at, duration) / Math.max(duration, 0.1)) * width}px`;
}

/** Puts a thumbnail (a data: URL, which the default CSP allows) behind a video segment. */
export function setThumbnail(root: HTMLElement, start: number, dataUrl: string): void {
  const box = root.querySelector<HTMLElement>(`.lane[data-kind="video"] .segment[data-start="${start}"]`);
  if (box) box.style.backgroundImage = `url("${dataUrl}")`;
}

function niceStep(duration: number): number {
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (duration / step <= 10) return step;
  return Math.ceil(duration / 10);
}
