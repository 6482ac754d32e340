import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";
import type { CallToolRequest, CallToolResult, ReadResourceRequest, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * The test host (runs in the browser page): loads the View into a sandboxed iframe under the
 * spec's default CSP and speaks the host side with ext-apps' AppBridge. Tool calls and
 * resource reads go to the test's Node side (page.exposeFunction), which holds a real MCP
 * client of the real server over stdio.
 */

declare global {
  interface Window {
    vmCallTool(params: CallToolRequest["params"]): Promise<CallToolResult>;
    vmReadResource(params: ReadResourceRequest["params"]): Promise<ReadResourceResult>;
    startHost(html: string, toolName: string, toolResult: CallToolResult): Promise<void>;
    hostNotify(method: string, params: Record<string, unknown>): Promise<void>;
    hostLog: string[];
  }
}

/** What the spec says a host uses when the resource declares no CSP of its own. */
const DEFAULT_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'none'";

let bridge: AppBridge | undefined;
window.hostLog = [];

window.startHost = async (html, toolName, toolResult) => {
  const iframe = document.createElement("iframe");
  iframe.id = "view";
  // Scripts only: an opaque origin, as a host's sandbox gives.
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.style.cssText = "width: 960px; height: 640px; border: 0; display: block;";
  document.body.append(iframe);

  bridge = new AppBridge(
    null,
    { name: "video-maker-test-host", version: "1.0.0" },
    { serverTools: {}, serverResources: {}, logging: {} },
    {
      hostContext: {
        theme: "dark",
        displayMode: "inline",
        availableDisplayModes: ["inline", "fullscreen"],
        containerDimensions: { width: 960, maxHeight: 2000 },
        platform: "web",
      },
    },
  );
  bridge.oncalltool = async (params) => window.vmCallTool(params);
  bridge.onreadresource = async (params) => window.vmReadResource(params);
  bridge.onloggingmessage = (params) => void window.hostLog.push(String(params.data));
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${Math.max(height, 200)}px`;
  };
  bridge.onrequestdisplaymode = async ({ mode }) => {
    bridge!.sendHostContextChange({ displayMode: mode });
    return { mode };
  };
  const initialized = new Promise<void>((resolve) => {
    bridge!.oninitialized = () => resolve();
  });
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  const csp = `<meta http-equiv="Content-Security-Policy" content="${DEFAULT_CSP}">`;
  iframe.srcdoc = html.replace("<head>", () => `<head>${csp}`);
  await initialized;
  await bridge.sendToolInput({ arguments: {} });
  await bridge.sendToolResult(toolResult);
  window.hostLog.push(`showed ${toolName}`);
};

/** A server notification the host passes on to the View (resources/updated after an edit). */
window.hostNotify = async (method, params) => {
  await bridge?.notification({ method, params } as never);
};
