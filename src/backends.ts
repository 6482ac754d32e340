import type { Config } from "./config.js";
import type {
  Backend,
  BackendName,
  Credits,
  EditResult,
  ExportCheckpoint,
  ExportContext,
  ExportRequest,
  ExportResult,
  OperationContext,
  SessionInfo,
  StateResult,
  UploadRequest,
  UploadResult,
} from "./core/backend.js";
import { VideoMakerError } from "./core/errors.js";

export type ClosableBackend = Backend & { close: () => Promise<void> };

/**
 * The backend VIDEO_MAKER_BACKEND names. Its code is loaded on the first call rather than
 * at startup, so an MCP host gets its tool list without waiting for the HTTP client.
 */
export function createBackend(config: Config): ClosableBackend {
  if (config.backend === "nemo") {
    return new LazyBackend("nemo", async () => new (await import("./nemo/backend.js")).NemoBackend(config));
  }
  throw new VideoMakerError(
    "config",
    "The local backend (VIDEO_MAKER_BACKEND=local) is not available in this version yet; unset VIDEO_MAKER_BACKEND to use NemoVideo.",
  );
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
  async close(): Promise<void> {
    if (this.instance) await (await this.instance).close();
  }
}
