import { expect } from "vitest";
import { VideoMakerError } from "../../src/core/errors.js";

/** The VideoMakerError `promise` rejects with; the test fails if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<VideoMakerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VideoMakerError);
    return error as VideoMakerError;
  }
  throw new Error("expected a failure");
}
