/**
 * A skill's SKILL.md instructions as HTML: rendered by `marked`, then sanitised by `sanitize-html` to an allow-list
 * of tags, attributes and URL schemes, so an author's `<script>`, `onerror=` or `javascript:` link is inert. The
 * Content-Security-Policy would stop them anyway; the sanitiser makes sure the markup never carries them.
 * Links to files of the bundle (`references/checklist.md`) open them in the console's file viewer.
 */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Instructions past this size are rendered up to it (the rest stays readable in the file viewer). */
export const MAX_MARKDOWN_CHARS = 200_000;

const marked = new Marked({ gfm: true, async: false });

const ALLOWED_TAGS = [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'details', 'summary'];

/** Whether `href` is a path inside the bundle (no scheme, not absolute, not an anchor). */
const isBundlePath = (href: string) => href !== '' && !/^[a-z][a-z0-9+.-]*:|^[/#?]|^\\/i.test(href);

function decodePath(href: string): string {
  const path = href.split('#')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Renders and sanitises Markdown. `fileLink` turns a path inside the bundle into the URL that shows it.
 *
 * @example
 * renderMarkdown('See [the checklist](references/checklist.md)', (path) => `/files?path=${path}`);
 */
export function renderMarkdown(markdown: string, fileLink?: (path: string) => string): string {
  const source = markdown.length > MAX_MARKDOWN_CHARS ? markdown.slice(0, MAX_MARKDOWN_CHARS) : markdown;
  const html = marked.parse(source) as string;
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      code: ['class'],
      th: ['align'],
      td: ['align'],
      ol: ['start'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    allowedClasses: { code: [/^language-[\w-]+$/] },
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href ?? '';
        const local = fileLink && isBundlePath(href);
        const attributes: Record<string, string> = { ...attribs, rel: 'noopener noreferrer nofollow' };
        if (local) attributes.href = fileLink(decodePath(href));
        return { tagName, attribs: attributes };
      },
      // Images of the web only: a path inside the bundle has nothing to load here, so it shows its alt text.
      img: (tagName, attribs) => {
        const { src, ...rest } = attribs;
        return { tagName, attribs: src && /^https?:\/\//i.test(src) ? { ...rest, src } : rest };
      },
    },
  });
}
