import { VideoMakerError } from "../core/errors.js";

/**
 * Writing ffmpeg filtergraphs safely. A value inside a filtergraph is unescaped twice: once
 * by the graph parser (which splits on `[ ] , ;`) and once by the option parser (which
 * splits on `:`). Paths may hold any of those, so they are escaped for both levels.
 */

/** Escapes a value for one filter option (`key=value`), then for the graph around it. */
export function filterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** `name=k1=v1:k2=v2`; values are inserted as they are (numbers, enums, quoted expressions). */
export function filter(name: string, options: Record<string, string | number | undefined> = {}): string {
  const parts = Object.entries(options)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return parts.length > 0 ? `${name}=${parts.join(":")}` : name;
}

/** An expression protected from the graph parser's `,` splitting; it must not contain `'`. */
export function expression(text: string): string {
  if (text.includes("'")) throw new Error(`expression must not contain a quote: ${text}`);
  return `'${text}'`;
}

interface Statement {
  inputs: readonly string[];
  body: string;
  outputs: readonly string[];
}

/** A stream of an `-i` input (`0:v:0`, `1:a:0`): consumed without being produced in the graph. */
const INPUT_STREAM = /^\d+(?::[A-Za-z0-9]+)*$/;
/** What a label may hold: nothing the graph parser would split on. */
const LABEL = /^[A-Za-z0-9_.:-]+$/;

/**
 * Collects `[in]f1,f2[out]` statements and hands out unique pad labels. `build` checks the
 * wiring first: ffmpeg finds a miswired graph only once it runs, in words about pads.
 */
export class GraphBuilder {
  private readonly statements: Statement[] = [];
  private counter = 0;

  label(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  /** `inputs` and `outputs` are labels without brackets; `chain` is filters joined by commas. */
  add(inputs: readonly string[], chain: readonly string[] | string, outputs: readonly string[]): void {
    const body = typeof chain === "string" ? chain : chain.join(",");
    this.statements.push({ inputs: [...inputs], body, outputs: [...outputs] });
  }

  /** The graph's text, once every label is wired right; `mapped` are the labels `-map` takes out. */
  build(mapped: readonly string[]): string {
    checkLabels(this.statements, mapped);
    const text = (s: Statement): string => `${s.inputs.map((i) => `[${i}]`).join("")}${s.body}${s.outputs.map((o) => `[${o}]`).join("")}`;
    return this.statements.map(text).join(";\n");
  }
}

/**
 * Each label produced once and consumed at most once; each consumed label produced (or an
 * input stream); the labels left over exactly the mapped ones. A miss is a compiler bug.
 */
function checkLabels(statements: readonly Statement[], mapped: readonly string[]): void {
  const produced = new Set<string>();
  const consumed = new Set<string>();
  for (const { inputs, outputs } of statements) {
    for (const label of [...inputs, ...outputs]) if (!LABEL.test(label)) graphBug(`the label [${label}] is malformed`);
    for (const label of outputs) {
      if (produced.has(label)) graphBug(`the label [${label}] is produced twice`);
      if (INPUT_STREAM.test(label)) graphBug(`the label [${label}] is produced, but names an input stream`);
      produced.add(label);
    }
    for (const label of inputs) {
      if (consumed.has(label)) graphBug(`the label [${label}] is consumed twice`);
      consumed.add(label);
    }
  }
  for (const label of consumed) {
    if (!produced.has(label) && !INPUT_STREAM.test(label)) graphBug(`the label [${label}] is consumed but never produced`);
  }
  const outputs = new Set<string>();
  for (const label of mapped) {
    if (outputs.has(label)) graphBug(`the label [${label}] is mapped twice`);
    if (!produced.has(label)) graphBug(`the label [${label}] is mapped but never produced`);
    if (consumed.has(label)) graphBug(`the label [${label}] is mapped but also consumed in the graph`);
    outputs.add(label);
  }
  for (const label of produced) {
    if (!consumed.has(label) && !outputs.has(label)) graphBug(`the label [${label}] is produced but neither consumed nor mapped`);
  }
}

function graphBug(problem: string): never {
  throw new VideoMakerError(
    "local_render_failed",
    `video-maker wrote a broken ffmpeg filtergraph (${problem}). This is a bug in video-maker, not in your project: please report it.`,
  );
}
