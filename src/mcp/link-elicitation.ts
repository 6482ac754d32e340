import { randomUUID } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { VideoMakerError } from "../core/errors.js";

/**
 * Out of credits (2001) and the free plan's export block (402) are solved on a web page:
 * register (keeping this project) or top up. A host that declared URL-mode elicitation is
 * asked to show that page to the person itself, so the link (a claim link carries a claim
 * token) reaches the person without passing through the model; any other host gets the
 * link in the result text, as before. Nothing is ever asked for through a form.
 */

const LINK_FAILURES = new Set(["out_of_credits", "plan_blocked"]);
/** The person decides whether to open the page; the tool call does not wait for them longer than this. */
const ANSWER_WITHIN_MS = 30_000;

export type LinkOutcome = "opened" | "declined";

/** Whether this failure is one whose way forward is the page behind its link. */
export function isLinkFailure(failure: VideoMakerError): failure is VideoMakerError & { link: string } {
  return LINK_FAILURES.has(failure.code) && failure.link !== undefined;
}

export function clientOpensLinks(server: McpServer): boolean {
  return server.server.getClientCapabilities()?.elicitation?.url !== undefined;
}

/**
 * Asks the host to offer the failure's page to the person. Undefined when it was not offered
 * (no URL elicitation, no link) or the host did not answer: then the text carries the link.
 */
export async function offerLink(
  server: McpServer,
  failure: VideoMakerError,
  options: RequestOptions = {},
  meta?: Record<string, unknown>,
): Promise<LinkOutcome | undefined> {
  if (!isLinkFailure(failure) || !clientOpensLinks(server)) return undefined;
  try {
    const answer = await server.server.elicitInput(
      { mode: "url", message: failure.message, url: failure.link, elicitationId: randomUUID(), ...(meta ? { _meta: meta } : {}) },
      { timeout: ANSWER_WITHIN_MS, ...options },
    );
    return answer.action === "accept" ? "opened" : "declined";
  } catch {
    // The host failed to show it or took too long: fall back to the text, which always works.
    return undefined;
  }
}

/** What the result says: the link itself only when the host did not show it. */
export function failureText(failure: VideoMakerError, outcome?: LinkOutcome): string {
  if (outcome === "opened") return `${failure.message} The page to do this was offered to the person in this app, and they chose to open it.`;
  if (outcome === "declined") return `${failure.message} The page to do this was offered to the person in this app; they closed it for now.`;
  return failure.link && !failure.message.includes(failure.link) ? `${failure.message} ${failure.link}` : failure.message;
}
