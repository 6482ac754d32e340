import type { Config } from "../config.js";

/** The three attribution headers every NemoVideo call carries; without them exports answer 402. */
export function attributionHeaders(config: Pick<Config, "skill" | "skillVersion" | "platform">): Record<string, string> {
  return {
    "x-skill-source": config.skill,
    "x-skill-version": config.skillVersion,
    "x-skill-platform": config.platform,
  };
}
