import type { RunLimits } from '../runtime/types.ts';

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
