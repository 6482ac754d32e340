// One download in a process of its own, so its memory is measured alone: through video-maker's
// real client (dist/), or (`undici`) the same URL through a bare undici request piped to a file,
// the least a Node client can do. Prints one JSON line: elapsed ms, bytes, path, RSS before and peak.
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { request } from "undici";
import { loadConfig } from "../../dist/config.js";
import { downloadRender } from "../../dist/nemo/download.js";
import { NemoHttp } from "../../dist/nemo/http.js";
import { sampleRss } from "../transfer-shared.mjs";

const [mode, apiBase, renderId, outputUrl, target] = process.argv.slice(2);
const http = new NemoHttp({ config: loadConfig({ ...process.env, NEMO_API_BASE: apiBase }) });
await http.raw(new URL("/", apiBase), { method: "HEAD" }).then((r) => r.body.dump()); // undici loaded, a connection open: only the download is timed

const memory = sampleRss();
const started = process.hrtime.bigint();
let result;
if (mode === "undici") {
  const response = await request(outputUrl);
  await pipeline(response.body, createWriteStream(target));
  result = { path: target, bytes: (await stat(target)).size };
} else {
  result = await downloadRender(http, renderId, outputUrl, target);
}
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const { baselineRss, peakRss } = memory.stop();
await http.close();
console.log(JSON.stringify({ elapsedMs, bytes: result.bytes, path: result.path, baselineRss, peakRss }));
