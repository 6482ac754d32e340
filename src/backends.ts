import type { Config } from "./config.js";
import {
  type AgentCapability,
  type Backend,
  type BackendName,
  CAPABILITIES_BY_BACKEND,
  type Capability,
  type EditorCapability,
  type ExportCheckpoint,
  type ExportContext,
  type ExportRequest,
  type ExportResult,
  type OperationContext,
  type SessionInfo,
  type StateResult,
  type UploadRequest,
  type UploadResult,
} from "./core/backend.js";
import { VideoMakerError } from "./core/errors.js";
import type { InspectOptions, InspectReport, InspectTarget } from "./core/inspect.js";
import { type SurfaceNames, UNNAMED } from "./core/surface.js";

export type ClosableBackend = Backend & { close: () => Promise<void> };

/**
 * The backend VIDEO_MAKER_BACKEND names. Its code is loaded on the first call rather than
 * at startup, so an MCP host gets its tool list without waiting for the HTTP client.
 */
export function createBackend(config: Config, options: { names?: SurfaceNames } = {}): ClosableBackend {
  const names = options.names ?? UNNAMED;
  if (config.backend === "local") {
    return new LazyBackend("local", async () => new (await import("./local/backend.js")).LocalBackend(config, { names }));
  }
  // The agent's "click Export" is rewritten to the reader's own export action.
  const named = options.names ? { guiNames: { export: names.export, state: names.state }, names } : {};
  return new LazyBackend("nemo", async () => new (await import("./nemo/backend.js")).NemoBackend(config, named));
}

class LazyBackend implements ClosableBackend {
  private instance: Promise<ClosableBackend> | undefined;
  readonly agent?: AgentCapability;
  readonly editor?: EditorCapability;

  constructor(
    readonly name: BackendName,
    private readonly load: () => Promise<ClosableBackend>,
  ) {
    // What a backend can do is known from its name, so tools are listed before its code loads.
    const capabilities = CAPABILITIES_BY_BACKEND[name];
    if (capabilities.includes("agent")) {
      const agent = async () => required((await this.real).agent, name, "agent");
      this.agent = {
        edit: async (instruction, context) => (await agent()).edit(instruction, context),
        getCredits: async (context) => (await agent()).getCredits(context),
        claimLink: async (context) => (await agent()).claimLink(context),
      };
    }
    if (capabilities.includes("editor")) {
      const editor = async () => required((await this.real).editor, name, "editor");
      this.editor = {
        applyEdits: async (ops, context) => (await editor()).applyEdits(ops, context),
        previewFrame: async (atSeconds, context) => (await editor()).previewFrame(atSeconds, context),
        undo: async (context) => (await editor()).undo(context),
        renderPreview: async (context) => (await editor()).renderPreview(context),
        previewFile: async (sessionId) => (await editor()).previewFile(sessionId),
        exportProject: async (request, context) => (await editor()).exportProject(request, context),
      };
    }
  }

  private get real(): Promise<ClosableBackend> {
    this.instance ??= this.load();
    return this.instance;
  }

  async upload(request: UploadRequest, context?: OperationContext): Promise<UploadResult> {
    return (await this.real).upload(request, context);
  }
  async getState(context?: OperationContext): Promise<StateResult> {
    return (await this.real).getState(context);
  }
  async exportVideo(request: ExportRequest, context?: ExportContext): Promise<ExportResult> {
    return (await this.real).exportVideo(request, context);
  }
  async resumeExport(checkpoint: ExportCheckpoint, context?: ExportContext): Promise<ExportResult> {
    return (await this.real).resumeExport(checkpoint, context);
  }
  async newSession(language?: string, context?: OperationContext): Promise<SessionInfo> {
    return (await this.real).newSession(language, context);
  }
  async inspect(target: InspectTarget, options?: InspectOptions): Promise<InspectReport> {
    return (await this.real).inspect(target, options);
  }
  async close(): Promise<void> {
    if (this.instance) await (await this.instance).close();
  }
}

/** CAPABILITIES_BY_BACKEND and the backend's own declaration disagreeing is a bug, said plainly. */
function required<T>(capability: T | undefined, backend: BackendName, name: Capability): T {
  if (!capability) throw new VideoMakerError("config", `The ${backend} backend does not declare the ${name} capability it is listed with.`);
  return capability;
}
