/** A version's files as a folder tree, and the viewer of one text file. */
import type { FileInfo } from '../src/skills/schemas.ts';
import { formatBytes, Notice } from './components.tsx';

interface Folder {
  folders: Map<string, Folder>;
  files: FileInfo[];
}

function buildTree(files: FileInfo[]): Folder {
  const root: Folder = { folders: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      if (!folder.folders.has(part)) folder.folders.set(part, { folders: new Map(), files: [] });
      folder = folder.folders.get(part)!;
    }
    folder.files.push(file);
  }
  return root;
}

function FolderItems({ folder, link }: { folder: Folder; link: (path: string) => string }) {
  return (
    <>
      {[...folder.folders].map(([name, sub]) => (
        <li>
          <details open>
            <summary>{name}/</summary>
            <ul>
              <FolderItems folder={sub} link={link} />
            </ul>
          </details>
        </li>
      ))}
      {folder.files.map((file) => (
        <li>
          <a
            href={link(file.path)}
            hx-get={`${link(file.path)}&fragment=file`}
            hx-target="#file-viewer"
            hx-swap="outerHTML"
            hx-push-url={link(file.path)}
          >
            {file.path.split('/').at(-1)}
          </a>{' '}
          <span class="muted">{formatBytes(file.size)}</span>
        </li>
      ))}
    </>
  );
}

/** `link(path)` is the URL of the page showing that file (it ends with a query string). */
export function FileTree({ files, link }: { files: FileInfo[]; link: (path: string) => string }) {
  return (
    <ul class="file-tree">
      <FolderItems folder={buildTree(files)} link={link} />
    </ul>
  );
}

/** What the viewer shows: a text file's content (maybe cut), or why it shows none. */
export type ShownFile = { path: string; mime: string; size: number } & (
  | { text: string; truncated: boolean }
  | { text?: undefined; reason: string }
);

/** The shown file, below the instructions; an empty placeholder (for htmx to fill) when none is chosen. */
export function FileViewer({ file }: { file?: ShownFile }) {
  return (
    <div id="file-viewer" class={file ? 'file-viewer' : undefined}>
      {file && (
        <>
          <h3>
            {file.path}{' '}
            <span class="muted">
              {file.mime} · {formatBytes(file.size)}
            </span>
          </h3>
          {file.text !== undefined ? (
            <>
              <pre class="code">{file.text}</pre>
              {file.truncated && <p class="muted">Showing the beginning of the file.</p>}
            </>
          ) : (
            <Notice kind="info">{file.reason}</Notice>
          )}
        </>
      )}
    </div>
  );
}
