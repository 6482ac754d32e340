// One upload through video-maker's real client (dist/), in its own process so its
// memory can be measured alone. Prints one JSON line: elapsed ms, bytes, RSS before and peak.
import { loadConfig } from "../../dist/config.js";
import { NemoBackend } from "../../dist/nemo/backend.js";
import { sampleRss } from "../transfer-shared.mjs";

const [file] = process.argv.slice(2);
const backend = new NemoBackend(loadConfig(process.env));
await backend.getState(); // token + session ready, so only the upload is timed

const memory = sampleRss();
let lastFraction = 0;
const started = process.hrtime.bigint();
const result = await backend.upload({ paths: [file] }, { onProgress: (event) => { lastFraction = event.fraction ?? lastFraction; } });
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const { baselineRss, peakRss } = memory.stop();
await backend.close();
if (result.uploaded.length !== 1) {
  console.error(JSON.stringify(result.rejected));
  process.exit(1);
}
console.log(JSON.stringify({ elapsedMs, baselineRss, peakRss, lastFraction }));
