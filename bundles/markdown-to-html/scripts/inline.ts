/**
 * Inline Markdown: code spans, images, links, autolinks, bold, italic, strikethrough and hard breaks.
 * All text is HTML-escaped first; markup is only ever produced by this code, so raw HTML in the input is shown
 * as text and cannot inject scripts. Link targets are restricted to safe schemes.
 */

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

/**
 * Allows http(s), mailto, fragment and relative URLs; anything else (javascript:, data:) becomes "#".
 * Images may also use base64 data URIs of image types: an <img> never runs scripts, even from SVG.
 */
export function safeUrl(raw: string, allowDataImage = false): string {
  const url = raw.trim();
  if (allowDataImage && /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(url)) return url;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme && !['http', 'https', 'mailto'].includes(scheme)) return '#';
  return url;
}

// Placeholders use private-use characters that cannot come from escaped input text.
const OPEN = '\uE000';
const CLOSE = '\uE001';

export function renderInline(source: string): string {
  const stash: string[] = [];
  const keep = (html: string) => `${OPEN}${stash.push(html) - 1}${CLOSE}`;

  let text = source.replace(/[\uE000\uE001]/g, '');
  // Backslash escapes: the character is taken literally.
  text = text.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, (_, char: string) => keep(escapeHtml(char)));
  text = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, _ticks: string, code: string) =>
    keep(`<code>${escapeHtml(code.trim() === '' ? code : code.replace(/^ (.*) $/s, '$1'))}</code>`),
  );
  text = text.replace(/<((?:https?:\/\/|mailto:)[^\s<>]+)>/gi, (_, url: string) =>
    keep(`<a href="${escapeHtml(safeUrl(url))}">${escapeHtml(url)}</a>`),
  );
  text = text.replace(
    /!\[([^\]]*)\]\(\s*([^\s)]+)(?:\s+"([^"]*)")?\s*\)/g,
    (_, alt: string, url: string, title?: string) =>
      keep(
        `<img src="${escapeHtml(safeUrl(url, true))}" alt="${escapeHtml(alt)}"${title ? ` title="${escapeHtml(title)}"` : ''}>`,
      ),
  );
  text = text.replace(
    /\[([^\]]+)\]\(\s*([^\s)]+)(?:\s+"([^"]*)")?\s*\)/g,
    (_, label: string, url: string, title?: string) =>
      keep(
        `<a href="${escapeHtml(safeUrl(url))}"${title ? ` title="${escapeHtml(title)}"` : ''}>${renderEmphasis(escapeHtml(label))}</a>`,
      ),
  );

  let html = renderEmphasis(escapeHtml(text));
  html = html.replace(/ {2,}\n|\\\n/g, '<br>\n');
  // Restore stashed fragments; loop because a link label may itself contain placeholders.
  const placeholder = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');
  for (let pass = 0; pass < 3 && html.includes(OPEN); pass++) {
    html = html.replace(placeholder, (_, index: string) => stash[Number(index)] ?? '');
  }
  return html;
}

function renderEmphasis(html: string): string {
  return html
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/\*(?=[^\s*])([\s\S]*?[^\s*])\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=[^\s_])([\s\S]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>');
}
