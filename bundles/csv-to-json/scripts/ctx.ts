/**
 * The host API a skill sees, as the open-skills sandbox provides it. Copied into every runnable bundle so each
 * bundle stays self-contained; keep the copies identical (test/bundles checks they are).
 */

export interface ArtifactInfo {
  id: string;
  name: string;
  size: number;
  mimeType: string;
  sha256: string;
}

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface SkillContext {
  run: { id: string; skill: string; version: string };
  log(...args: unknown[]): void;
  files: { read(name: string): Promise<Uint8Array>; readText(name: string): Promise<string> };
  resources: { read(path: string): Promise<Uint8Array>; readText(path: string): Promise<string> };
  artifacts: {
    write(name: string, data: string | Uint8Array, options?: { mimeType?: string }): Promise<ArtifactInfo>;
  };
  fetch(url: string, init?: FetchInit): Promise<FetchResponseLike>;
  secrets: Record<string, string | undefined>;
  callSkill(name: string, input: unknown, options?: { version?: string }): Promise<unknown>;
}

/** Reads an optional input file, returning undefined when the run request did not send it. */
export async function readOptionalText(ctx: SkillContext, name: string): Promise<string | undefined> {
  try {
    return await ctx.files.readText(name);
  } catch {
    return undefined;
  }
}
