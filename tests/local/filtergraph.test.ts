import { describe, expect, it } from "vitest";
import { VideoMakerError } from "../../src/core/errors.js";
import { GraphBuilder } from "../../src/local/filtergraph.js";

type Statement = [inputs: string[], chain: string, outputs: string[]];

interface Case {
  name: string;
  statements: Statement[];
  mapped: string[];
  /** The problem named in the error, label included; undefined when the graph is good. */
  error?: RegExp;
}

/** A clip's video and sound split, trimmed and joined again: every kind of statement the compiler writes. */
const GOOD: Statement[] = [
  [["0:v:0"], "setpts=PTS-STARTPTS", ["v1"]],
  [["v1"], "split=2", ["a1", "b1"]],
  [[], "anullsrc,atrim=duration=1", ["s1"]],
  [["a1", "b1"], "concat=n=2:v=1:a=0", ["cv"]],
  [["1:a:0", "s1"], "amix=inputs=2", ["ca"]],
];

const CASES: Case[] = [
  { name: "a good graph", statements: GOOD, mapped: ["cv", "ca"] },
  {
    name: "a label produced twice",
    statements: [...GOOD, [[], "anullsrc", ["s1"]]],
    mapped: ["cv", "ca"],
    error: /the label \[s1\] is produced twice/,
  },
  {
    name: "a label with two consumers",
    statements: [...GOOD, [["v1"], "null", ["extra"]]],
    mapped: ["cv", "ca", "extra"],
    error: /the label \[v1\] is consumed twice/,
  },
  {
    name: "a consumer of a label nobody produces",
    statements: [...GOOD, [["ghost"], "null", ["extra"]]],
    mapped: ["cv", "ca", "extra"],
    error: /the label \[ghost\] is consumed but never produced/,
  },
  {
    name: "a label left over that is not mapped",
    statements: [...GOOD, [[], "color=c=black", ["stray"]]],
    mapped: ["cv", "ca"],
    error: /the label \[stray\] is produced but neither consumed nor mapped/,
  },
  {
    name: "a mapped label nobody produces",
    statements: GOOD,
    mapped: ["cv", "ca", "missing"],
    error: /the label \[missing\] is mapped but never produced/,
  },
  {
    name: "a mapped label that is consumed inside the graph",
    statements: GOOD,
    mapped: ["cv", "ca", "v1"],
    error: /the label \[v1\] is mapped but also consumed in the graph/,
  },
  {
    name: "a label mapped twice",
    statements: GOOD,
    mapped: ["cv", "ca", "cv"],
    error: /the label \[cv\] is mapped twice/,
  },
  {
    name: "an input stream consumed twice",
    statements: [...GOOD, [["0:v:0"], "null", ["extra"]]],
    mapped: ["cv", "ca", "extra"],
    error: /the label \[0:v:0\] is consumed twice/,
  },
  {
    name: "a label that names an input stream produced in the graph",
    statements: [...GOOD, [[], "color", ["2:v:0"]]],
    mapped: ["cv", "ca", "2:v:0"],
    error: /the label \[2:v:0\] is produced, but names an input stream/,
  },
  {
    name: "a label the graph parser would split",
    statements: [...GOOD, [[], "color", ["a;b"]]],
    mapped: ["cv", "ca", "a;b"],
    error: /the label \[a;b\] is malformed/,
  },
];

function build(statements: Statement[], mapped: string[]): string {
  const graph = new GraphBuilder();
  for (const [inputs, chain, outputs] of statements) graph.add(inputs, chain, outputs);
  return graph.build(mapped);
}

describe("GraphBuilder checks its labels before ffmpeg sees them", () => {
  for (const c of CASES) {
    it(c.error ? `refuses ${c.name}` : `accepts ${c.name}`, () => {
      if (!c.error) {
        expect(build(c.statements, c.mapped)).toBe(
          "[0:v:0]setpts=PTS-STARTPTS[v1];\n[v1]split=2[a1][b1];\nanullsrc,atrim=duration=1[s1];\n[a1][b1]concat=n=2:v=1:a=0[cv];\n[1:a:0][s1]amix=inputs=2[ca]",
        );
        return;
      }
      let thrown: unknown;
      try {
        build(c.statements, c.mapped);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(VideoMakerError);
      expect(thrown).toMatchObject({ code: "local_render_failed", message: expect.stringMatching(c.error) });
      expect((thrown as Error).message).toMatch(/bug in video-maker/);
    });
  }

  it("accepts a consumer written before its producer (ffmpeg links labels, not lines)", () => {
    expect(() => build([[["late"], "null", ["out"]], [[], "color", ["late"]]], ["out"])).not.toThrow();
  });
});
