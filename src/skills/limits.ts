/** Bundle limits. Each breach is a 4xx naming the limit. */
export interface BundleLimits {
  maxUncompressedBytes: number;
  maxFiles: number;
  maxFileBytes: number;
  /** Entries that expand more than this ratio (and are larger than 1 MB) are treated as compression bombs. */
  maxCompressionRatio: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxUncompressedBytes: 30 * 1024 * 1024,
  maxFiles: 500,
  maxFileBytes: 10 * 1024 * 1024,
  maxCompressionRatio: 200,
};

export const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
