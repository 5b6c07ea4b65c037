/**
 * Bytes an author or a skill wrote (bundle files, artifacts), served on the API's own origin. Their media type is the
 * author's word: a browser must neither sniff it nor run an HTML or SVG file as a page of this origin.
 */
export const UNTRUSTED_BYTES_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

/** A path segment of a URL as stored; a malformed escape (`%E0%A4%A`) names nothing, so it is `undefined`. */
export function decodedSegment(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
