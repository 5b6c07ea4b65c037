/**
 * Block-level Markdown (CommonMark/GFM subset): ATX headings, paragraphs, fenced code, block quotes, nested
 * ordered/unordered lists and task items, pipe tables with alignment, and thematic breaks.
 */
import { escapeHtml, renderInline } from './inline.ts';

export interface Heading {
  level: number;
  text: string;
  id: string;
}

export interface RenderedMarkdown {
  html: string;
  headings: Heading[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TABLE_DELIMITER = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;

export function renderMarkdown(source: string): RenderedMarkdown {
  const headings: Heading[] = [];
  const slugCounts = new Map<string, number>();
  const slug = (text: string) => {
    const base =
      text
        .toLowerCase()
        .replace(/<[^>]*>/g, '')
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .trim()
        .replace(/\s+/g, '-') || 'section';
    const count = slugCounts.get(base) ?? 0;
    slugCounts.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  };

  const isBlockStart = (line: string, next: string | undefined) =>
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    LIST_ITEM.test(line) ||
    (line.includes('|') && next !== undefined && TABLE_DELIMITER.test(next));

  function renderBlocks(lines: string[]): string {
    const out: string[] = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i]!;
      if (line.trim() === '') {
        i++;
        continue;
      }
      const fence = FENCE.exec(line);
      if (fence) {
        const marker = fence[1]!;
        const body: string[] = [];
        i++;
        while (i < lines.length && !new RegExp(`^ {0,3}${marker[0]}{${marker.length},}\\s*$`).test(lines[i]!)) {
          body.push(lines[i]!);
          i++;
        }
        i++; // closing fence (or end of input)
        const language = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : '';
        out.push(`<pre><code${language}>${escapeHtml(body.join('\n'))}</code></pre>`);
        continue;
      }
      const heading = HEADING.exec(line);
      if (heading) {
        const level = heading[1]!.length;
        const inner = renderInline(heading[2] ?? '');
        const text = decodeEntities(inner.replace(/<[^>]*>/g, ''));
        const id = slug(text);
        headings.push({ level, text, id });
        out.push(`<h${level} id="${id}">${inner}</h${level}>`);
        i++;
        continue;
      }
      if (RULE.test(line)) {
        out.push('<hr>');
        i++;
        continue;
      }
      if (QUOTE.test(line)) {
        const body: string[] = [];
        while (i < lines.length && lines[i]!.trim() !== '' && (QUOTE.test(lines[i]!) || body.length > 0)) {
          if (!QUOTE.test(lines[i]!) && isBlockStart(lines[i]!, lines[i + 1])) break;
          body.push(lines[i]!.replace(QUOTE, ''));
          i++;
        }
        out.push(`<blockquote>\n${renderBlocks(body)}\n</blockquote>`);
        continue;
      }
      if (line.includes('|') && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1]!)) {
        const rows: string[] = [line];
        i++;
        const delimiter = lines[i]!;
        i++;
        while (i < lines.length && lines[i]!.trim() !== '' && lines[i]!.includes('|')) rows.push(lines[i++]!);
        out.push(renderTable(rows[0]!, delimiter, rows.slice(1)));
        continue;
      }
      if (LIST_ITEM.test(line)) {
        i = renderList(lines, i, out);
        continue;
      }
      const paragraph: string[] = [];
      while (
        i < lines.length &&
        lines[i]!.trim() !== '' &&
        (paragraph.length === 0 || !isBlockStart(lines[i]!, lines[i + 1]))
      ) {
        paragraph.push(lines[i]!.trim() === '' ? '' : lines[i]!.replace(/^\s+/, ''));
        i++;
      }
      // Keep trailing double spaces: they are hard breaks.
      out.push(`<p>${renderInline(paragraph.join('\n').replace(/\s+$/, ''))}</p>`);
    }
    return out.join('\n');
  }

  /** Renders one list starting at `start`; returns the index of the first line after it. */
  function renderList(lines: string[], start: number, out: string[]): number {
    const first = LIST_ITEM.exec(lines[start]!)!;
    const indent = first[1]!.length;
    const ordered = /\d/.test(first[2]!);
    const startNumber = ordered ? Number.parseInt(first[2]!, 10) : 1;
    const items: string[][] = [];
    let loose = false;
    let i = start;
    while (i < lines.length) {
      const match = LIST_ITEM.exec(lines[i]!);
      if (!match || match[1]!.length !== indent || /\d/.test(match[2]!) !== ordered) break;
      const contentIndent = indent + match[2]!.length + 1;
      const item = [match[3] ?? ''];
      i++;
      // Continuation: indented lines, or blank lines followed by indented lines (which make the list loose).
      while (i < lines.length) {
        const next = lines[i]!;
        if (next.trim() === '') {
          const following = lines[i + 1];
          if (following !== undefined && leadingSpaces(following) >= contentIndent && following.trim() !== '') {
            loose = true;
            item.push('');
            i++;
            continue;
          }
          break;
        }
        if (leadingSpaces(next) >= Math.min(contentIndent, indent + 2)) {
          item.push(next.slice(Math.min(leadingSpaces(next), contentIndent)));
          i++;
          continue;
        }
        if (LIST_ITEM.test(next) || isBlockStart(next, lines[i + 1])) break;
        item.push(next.trim()); // lazy paragraph continuation
        i++;
      }
      items.push(item);
      // A blank line between sibling items also makes the list loose.
      if (lines[i]?.trim() === '' && LIST_ITEM.exec(lines[i + 1] ?? '')?.[1]?.length === indent) {
        loose = true;
        i++;
      }
    }
    const tag = ordered ? 'ol' : 'ul';
    const startAttribute = ordered && startNumber !== 1 ? ` start="${startNumber}"` : '';
    const rendered = items.map((item) => {
      let body = renderBlocks(item);
      if (!loose) body = body.replace(/^<p>([\s\S]*?)<\/p>/, '$1');
      const task = /^\[([ xX])\] /.exec(item[0] ?? '');
      if (task) {
        const checked = task[1] !== ' ' ? ' checked' : '';
        body = body.replace(/^(<p>)?\[[ xX]\] /, `$1<input type="checkbox" disabled${checked}> `);
      }
      return `<li${task ? ' class="task"' : ''}>${body}</li>`;
    });
    out.push(`<${tag}${startAttribute}>\n${rendered.join('\n')}\n</${tag}>`);
    return i;
  }

  const html = renderBlocks(source.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n'));
  return { html, headings };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** Heading text is reported as plain text (the HTML is escaped again wherever it is inserted). */
function decodeEntities(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

function splitRow(row: string): string[] {
  const trimmed = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function renderTable(header: string, delimiter: string, body: string[]): string {
  const alignments = splitRow(delimiter).map((cell) => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : '';
  });
  const headerCells = splitRow(header);
  const cell = (tag: string, content: string, index: number) => {
    const align = alignments[index] ? ` style="text-align:${alignments[index]}"` : '';
    return `<${tag}${align}>${renderInline(content)}</${tag}>`;
  };
  const head = `<thead>\n<tr>${headerCells.map((content, index) => cell('th', content, index)).join('')}</tr>\n</thead>`;
  const rows = body.map((row) => {
    const cells = splitRow(row);
    return `<tr>${headerCells.map((_, index) => cell('td', cells[index] ?? '', index)).join('')}</tr>`;
  });
  return `<table>\n${head}\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}
