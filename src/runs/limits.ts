import type { RunLimits } from '../runtime/types.ts';
import type { RuntimeVersion } from '../skills/runnable.ts';

/** SKILL.md may ask for less or more; requests may ask for less; the server maxima cap both. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MEMORY_MB = 64;
/** How deep ctx.callSkill may nest. */
export const MAX_DEPTH = 5;
/** Runs one root run may start below it in all (ctx.callSkill, chain and parallel steps, at any depth). */
export const MAX_TREE_RUNS = 50;
/** Children of one root run that may run at once; more wait for one of them to end. */
export const MAX_TREE_CONCURRENCY = 4;

/** The server's caps on every run (MAX_RUN_TIMEOUT_MS, MAX_RUN_MEMORY_MB). */
export interface RunMaxima {
  timeoutMs: number;
  memoryMb: number;
}

export function runMaxima(limits: { maxTimeoutMs?: number; maxMemoryMb?: number } = {}): RunMaxima {
  return { timeoutMs: limits.maxTimeoutMs ?? 300_000, memoryMb: limits.maxMemoryMb ?? 512 };
}

/** The deadline of a run: the request's, else SKILL.md's, else the default, within the server maximum. */
export const timeoutFor = (maxima: RunMaxima, requested: number | undefined, version?: RuntimeVersion) =>
  Math.min(requested ?? version?.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxima.timeoutMs);

/** The limits of one run of `version` with deadline `timeoutMs`. */
export const limitsFor = (maxima: RunMaxima, version: RuntimeVersion, timeoutMs: number) =>
  runLimits(Math.min(version.memoryMb ?? DEFAULT_MEMORY_MB, maxima.memoryMb), timeoutMs);

/**
 * The per-run limits every run gets, on the server and in `open-skills test`, so a skill that passes locally
 * meets the same walls on the server. Memory and time come from SKILL.md within the server's maxima.
 */
export function runLimits(memoryMb: number, timeoutMs: number): RunLimits {
  return {
    memoryMb,
    timeoutMs,
    cpuMs: timeoutMs,
    maxOutputBytes: 5 * 1024 * 1024,
    maxLogBytes: 256 * 1024,
    maxArtifacts: 20,
    maxArtifactBytes: 50 * 1024 * 1024,
    maxHostCalls: 10_000,
  };
}
