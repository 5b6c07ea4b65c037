/**
 * A skill: its versions with status and dates, the shown version's instructions (sanitised Markdown), files,
 * declared inputs and outputs, limits, network and secrets, the Try it form, and for those who may, the forms that
 * edit, upload, publish and deprecate.
 */
import type { IoField } from '../src/skills/manifest.ts';
import type { SkillSummary, SkillVersionDto, VersionSummary } from '../src/skills/schemas.ts';
import {
  type Column,
  CsrfField,
  Empty,
  Fact,
  formatBytes,
  formatDuration,
  NextPage,
  Notice,
  Spinner,
  StatusBadge,
  Table,
  Tags,
  Time,
  withQuery,
} from './components.tsx';
import { DetailsForm, type EditState, SkillMdForm, UploadVersionForm } from './edit.tsx';
import { FileTree, FileViewer, type ShownFile } from './files.tsx';
import { TryIt } from './try-it.tsx';

/** What the caller may do here; the server checks each action again. */
export interface SkillRights {
  edit: boolean;
  publish: boolean;
}

export interface SkillPageProps {
  skill: SkillSummary;
  versions: VersionSummary[];
  versionsNext: string | null;
  version: SkillVersionDto | null;
  instructionsHtml: string;
  file?: ShownFile;
  rights: SkillRights;
  csrf: string;
  notice?: string;
  edit: EditState;
}

export const skillUrl = (name: string, query: Record<string, string | undefined> = {}) =>
  withQuery(`/console/skills/${encodeURIComponent(name)}`, query);

function VersionActions({ version, csrf }: { version: VersionSummary; csrf: string }) {
  const action = (verb: 'publish' | 'deprecate') => `/console/versions/${version.id}/${verb}`;
  const attrs = (verb: 'publish' | 'deprecate') => ({
    method: 'post',
    action: action(verb),
    'hx-post': action(verb),
    'hx-swap': 'none',
    'hx-indicator': `#v-${version.id}-loading`,
    'hx-disabled-elt': 'find button',
  });
  return (
    <div class="actions">
      {version.status === 'draft' && (
        <form {...attrs('publish')}>
          <CsrfField token={csrf} />
          <label class="checkbox" title="Run the version's tests/*.json on the server first">
            <input type="checkbox" name="require_tests" value="true" /> tests first
          </label>{' '}
          <button type="submit" class="primary">
            Publish
          </button>
        </form>
      )}
      {version.status === 'published' && (
        <form {...attrs('deprecate')} hx-confirm={`Deprecate ${version.name} ${version.version}?`}>
          <CsrfField token={csrf} />
          <button type="submit" class="danger">
            Deprecate
          </button>
        </form>
      )}
      <Spinner id={`v-${version.id}-loading`} />
    </div>
  );
}

function Versions(props: Pick<SkillPageProps, 'skill' | 'versions' | 'versionsNext' | 'version' | 'rights' | 'csrf'>) {
  const { skill } = props;
  const columns: Column[] = ['Version', 'Status', 'Uploaded', 'Published', 'Deprecated', { label: 'Size', num: true }];
  if (props.rights.publish) columns.push('Actions');
  return (
    <>
      <Table
        rows={props.versions}
        columns={columns}
        empty="No versions yet: upload a bundle to create the first one"
        row={(v) => (
          <tr aria-current={v.id === props.version?.id ? 'true' : undefined}>
            <td>
              <a href={skillUrl(skill.name, { version: v.id })}>{v.version}</a>
              {v.id === props.version?.id && <span class="muted"> (shown)</span>}
            </td>
            <td>
              <StatusBadge status={v.status} />
            </td>
            {[v.created_at, v.published_at, v.deprecated_at].map((at) => (
              <td>
                <Time at={at} />
              </td>
            ))}
            <td class="num">{formatBytes(v.size_bytes)}</td>
            {props.rights.publish && (
              <td>
                <VersionActions version={v} csrf={props.csrf} />
              </td>
            )}
          </tr>
        )}
      />
      <NextPage href={props.versionsNext} label="Older versions" />
    </>
  );
}

/** A list, not a table: the contract sits in a narrow column, and MIME types are long. */
function IoTable({ fields }: { fields: IoField[] | null }) {
  if (!fields?.length) return <p class="muted">None declared.</p>;
  return (
    <dl class="io-fields">
      {fields.map((f) => (
        <>
          <dt>
            <code>{f.name}</code> <span class="muted">{f.type}</span>
            {f.required && <span class="badge">required</span>}
          </dt>
          <dd>
            {f.description ?? ''}
            {f.mime && <div class="muted mime">{f.mime}</div>}
          </dd>
        </>
      ))}
    </dl>
  );
}

function Contract({ version }: { version: SkillVersionDto }) {
  return (
    <section class="card" id="contract">
      <h2>Contract</h2>
      <h3>Inputs</h3>
      <IoTable fields={version.inputs} />
      <h3>Outputs</h3>
      <IoTable fields={version.outputs} />
      {(version.input_schema || version.output_schema) && (
        <details>
          <summary>JSON Schemas</summary>
          <pre class="code">
            {JSON.stringify({ input: version.input_schema, output: version.output_schema }, null, 2)}
          </pre>
        </details>
      )}
      <h3>Runtime</h3>
      <dl class="facts">
        <Fact label="Entrypoint">
          {version.entrypoint ? <code>{version.entrypoint}</code> : 'none: instructions only'}
        </Fact>
        <Fact label="Timeout">{version.timeout_ms ? formatDuration(version.timeout_ms) : 'server default'}</Fact>
        <Fact label="Memory">{version.memory_mb ? `${version.memory_mb} MB` : 'server default'}</Fact>
        <Fact label="Network">
          {version.allow_network
            ? version.network_allowlist.length
              ? `allowed to ${version.network_allowlist.join(', ')}`
              : 'allowed (no host list)'
            : 'none'}
        </Fact>
        <Fact label="Secrets">
          {version.secrets.length ? version.secrets.map((s) => <code class="secret-name">{s} </code>) : 'none'}
        </Fact>
        {version.license && <Fact label="License">{version.license}</Fact>}
        {version.compatibility && <Fact label="Compatibility">{version.compatibility}</Fact>}
      </dl>
    </section>
  );
}

function VersionBody(props: SkillPageProps & { version: SkillVersionDto }) {
  const { skill, version } = props;
  const fileLink = (path: string) => skillUrl(skill.name, { version: version.id, file: path });
  return (
    <>
      <div class="columns">
        <section class="card" id="instructions">
          <h2>
            Instructions <span class="muted">{version.version}</span>
          </h2>
          {version.warnings.length > 0 && (
            <Notice kind="info">
              Warnings recorded at upload:
              <ul>
                {version.warnings.map((w) => (
                  <li>
                    <code>{w.field}</code>: {w.message}
                  </li>
                ))}
              </ul>
            </Notice>
          )}
          {version.instructions.trim() ? (
            // Rendered by marked and sanitised by sanitize-html (views/markdown.ts): no script, handler or js: URL.
            <div class="markdown" dangerouslySetInnerHTML={{ __html: props.instructionsHtml }} />
          ) : (
            <Empty title="No instructions" />
          )}
          <FileViewer file={props.file} />
        </section>
        <div>
          <Contract version={version} />
          <section class="card" id="files">
            <h2>
              Files <a href={`/console/versions/${version.id}/download`}>download zip</a>
            </h2>
            <FileTree files={version.files} link={fileLink} />
          </section>
        </div>
      </div>
      {version.runnable && <TryIt skill={skill.name} version={version} csrf={props.csrf} />}
    </>
  );
}

export function SkillPage(props: SkillPageProps) {
  const { skill, version, rights } = props;
  return (
    <>
      <h1>
        {skill.name} {skill.visibility === 'user' && <span class="badge">private</span>}
        {skill.latest_version && <span class="badge status-published">latest {skill.latest_version}</span>}
      </h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <section class="card">
        <p class="description">{skill.description}</p>
        <Tags tags={skill.tags} /> <span class="muted">owned by {skill.owner_id}</span> ·{' '}
        <a href={withQuery('/console/runs', { skill: skill.name })}>runs of this skill</a>
      </section>
      <section class="card" id="versions">
        <h2>Versions</h2>
        <Versions {...props} />
      </section>
      {version && <VersionBody {...props} version={version} />}
      {rights.edit && (
        <section class="card" id="edit">
          <h2>Edit</h2>
          <DetailsForm skill={skill} csrf={props.csrf} state={props.edit.details} />
          {version && (
            <SkillMdForm
              skill={skill.name}
              base={version.id}
              csrf={props.csrf}
              canPublish={rights.publish}
              state={props.edit.skillMd}
            />
          )}
          <UploadVersionForm
            skill={skill.name}
            csrf={props.csrf}
            canPublish={rights.publish}
            state={props.edit.upload}
          />
        </section>
      )}
    </>
  );
}
