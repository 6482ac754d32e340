import type { Config } from "./config.js";
import type {
  ApplyEditsResult,
  Backend,
  BackendName,
  Credits,
  EditResult,
  ExportCheckpoint,
  ExportContext,
  ExportRequest,
  ExportResult,
  OperationContext,
  PreviewFrame,
  SessionInfo,
  StateResult,
  UploadRequest,
  UploadResult,
} from "./core/backend.js";
import { VideoMakerError } from "./core/errors.js";
import type { GuiNames } from "./core/gui.js";

export type ClosableBackend = Backend & { close: () => Promise<void> };

/**
 * The backend VIDEO_MAKER_BACKEND names. Its code is loaded on the first call rather than
 * at startup, so an MCP host gets its tool list without waiting for the HTTP client.
 */
export function createBackend(config: Config, options: { guiNames?: GuiNames } = {}): ClosableBackend {
  if (config.backend === "local") {
    return new LazyBackend("local", async () => new (await import("./local/backend.js")).LocalBackend(config));
  }
  return new LazyBackend("nemo", async () => new (await import("./nemo/backend.js")).NemoBackend(config, options));
}

class LazyBackend implements ClosableBackend {
  private instance: Promise<ClosableBackend> | undefined;

  constructor(
    readonly name: BackendName,
    private readonly load: () => Promise<ClosableBackend>,
  ) {}

  private get real(): Promise<ClosableBackend> {
    this.instance ??= this.load();
    return this.instance;
  }

  async upload(request: UploadRequest, context?: OperationContext): Promise<UploadResult> {
    return (await this.real).upload(request, context);
  }
  async edit(instruction: string, context?: OperationContext): Promise<EditResult> {
    return (await this.real).edit(instruction, context);
  }
  async getState(context?: OperationContext): Promise<StateResult> {
    return (await this.real).getState(context);
  }
  async getCredits(context?: OperationContext): Promise<Credits> {
    return (await this.real).getCredits(context);
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
  async applyEdits(ops: unknown[], context?: OperationContext): Promise<ApplyEditsResult> {
    const real = await this.real;
    if (!real.applyEdits) throw new VideoMakerError("invalid_input", "apply_edits works with the local backend (VIDEO_MAKER_BACKEND=local).");
    return real.applyEdits(ops, context);
  }
  async previewFrame(atSeconds: number, context?: OperationContext): Promise<PreviewFrame> {
    const real = await this.real;
    if (!real.previewFrame) throw new VideoMakerError("invalid_input", "preview_frame works with the local backend (VIDEO_MAKER_BACKEND=local).");
    return real.previewFrame(atSeconds, context);
  }
  async close(): Promise<void> {
    if (this.instance) await (await this.instance).close();
  }
}
