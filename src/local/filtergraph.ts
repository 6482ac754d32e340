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

/** Collects `[in]f1,f2[out]` statements and hands out unique pad labels. */
export class GraphBuilder {
  private readonly statements: string[] = [];
  private counter = 0;

  label(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  /** `inputs` and `outputs` are labels without brackets; `chain` is filters joined by commas. */
  add(inputs: readonly string[], chain: readonly string[] | string, outputs: readonly string[]): void {
    const body = typeof chain === "string" ? chain : chain.join(",");
    this.statements.push(`${inputs.map((i) => `[${i}]`).join("")}${body}${outputs.map((o) => `[${o}]`).join("")}`);
  }

  toString(): string {
    return this.statements.join(";\n");
  }
}
