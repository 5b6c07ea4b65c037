import { readOptionalText, type SkillContext } from './ctx.ts';
import { escapeHtml } from './inline.ts';
import { type Heading, renderMarkdown } from './markdown.ts';

interface Input {
  markdown?: string;
  file?: string;
  title?: string;
  subtitle?: string;
  /** Table of contents: "auto" (default) adds one when there are 3+ headings. */
  toc?: boolean | 'auto';
  lang?: string;
  artifact_name?: string;
}

const MAX_INPUT_CHARS = 2_000_000;

export default async function run(input: Input, ctx: SkillContext) {
  const fileName = input.file ?? 'report.md';
  const markdown = input.markdown ?? (await readOptionalText(ctx, fileName));
  if (markdown === undefined)
    throw new Error(`No Markdown given: pass input "markdown" or send a file named "${fileName}"`);
  if (markdown.length > MAX_INPUT_CHARS) {
    throw new Error(`Markdown is ${markdown.length} characters; the limit is ${MAX_INPUT_CHARS}`);
  }
  const artifactName = input.artifact_name ?? 'report.html';
  if (!/^[\w.-]+\.html?$/.test(artifactName))
    throw new Error('artifact_name must be a plain file name ending in .html');

  const { html, headings } = renderMarkdown(markdown);
  // The first H1 becomes the page title unless one is given; it is then dropped from the body to avoid repeating it.
  const firstH1 = headings.find((heading) => heading.level === 1);
  const title = input.title ?? firstH1?.text ?? 'Report';
  const body = input.title === undefined && firstH1 ? html.replace(/<h1 id="[^"]*">[\s\S]*?<\/h1>\n?/, '') : html;
  const tocHeadings = headings.filter((heading) => heading.level >= 2 && heading.level <= 3);
  const showToc = input.toc === true || ((input.toc ?? 'auto') === 'auto' && tocHeadings.length >= 3);

  const template = await ctx.resources.readText('resources/template.html');
  const values: Record<string, string> = {
    title: escapeHtml(title),
    subtitle: escapeHtml(input.subtitle ?? ''),
    toc: showToc ? renderToc(tocHeadings) : '',
    content: body,
  };
  // One pass over the template so placeholders inside the inserted content are never expanded.
  const page = template
    .replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match)
    // The template says lang="en" literally (a placeholder there is not valid HTML for linters).
    .replace('<html lang="en">', `<html lang="${escapeHtml(input.lang ?? 'en')}">`);
  const artifact = await ctx.artifacts.write(artifactName, page, { mimeType: 'text/html' });
  return {
    artifact,
    title,
    headings: headings.map(({ level, text, id }) => ({ level, text, id })),
    word_count: markdown.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length,
  };
}

function renderToc(headings: Heading[]): string {
  const items = headings.map(
    (heading) =>
      `<li${heading.level === 3 ? ' style="margin-left:1em"' : ''}><a href="#${heading.id}">${escapeHtml(heading.text)}</a></li>`,
  );
  return `<nav class="toc"><h2>Contents</h2><ul>${items.join('')}</ul></nav>`;
}
