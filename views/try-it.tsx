/**
 * The Try it form, generated from a version's declared inputs (a file input for `file` fields), or a JSON box and
 * file picker for a skill that declares none. It starts a run and the run's panel streams into the page.
 */
import type { IoField } from '../src/skills/manifest.ts';
import type { SkillVersionDto } from '../src/skills/schemas.ts';
import { CsrfField, Spinner } from './components.tsx';

/** Form field names of an input: `input.<name>` for values, `file.<name>` for files. */
export const inputField = (f: Pick<IoField, 'name' | 'type'>) => `${f.type === 'file' ? 'file' : 'input'}.${f.name}`;

function InputControl({ field, id }: { field: IoField; id: string }) {
  const name = inputField(field);
  const required = field.required ?? false;
  switch (field.type) {
    case 'file':
      return <input type="file" id={id} name={name} required={required} accept={field.mime} />;
    case 'number':
      return <input type="number" step="any" id={id} name={name} required={required} />;
    case 'boolean':
      return (
        <select id={id} name={name} required={required}>
          <option value="">(not set)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
    case 'object':
    case 'array':
      return (
        <textarea
          id={id}
          name={name}
          rows={4}
          required={required}
          placeholder={field.type === 'array' ? '[ ... ] as JSON' : '{ ... } as JSON'}
        />
      );
    default:
      return <textarea id={id} name={name} rows={3} required={required} />;
  }
}

export function TryIt({ skill, version, csrf }: { skill: string; version: SkillVersionDto; csrf: string }) {
  const action = `/console/skills/${encodeURIComponent(skill)}/run`;
  const fields = version.inputs ?? [];
  return (
    <section class="card" id="try-it">
      <h2>Try it</h2>
      <form
        method="post"
        action={action}
        enctype="multipart/form-data"
        class="stack"
        hx-post={action}
        hx-encoding="multipart/form-data"
        hx-target="#try-result"
        hx-swap="innerHTML"
        hx-indicator="#try-loading"
        hx-disabled-elt="find button[type=submit]"
      >
        <CsrfField token={csrf} />
        <input type="hidden" name="version_id" value={version.id} />
        {fields.length > 0 ? (
          fields.map((field, i) => (
            <>
              <label for={`try-${i}`}>
                {field.name}{' '}
                <span class="muted">
                  ({field.type}
                  {field.mime ? `, ${field.mime}` : ''})
                </span>
                {field.required && <span class="muted"> required</span>}
              </label>
              {field.description && <p class="help">{field.description}</p>}
              <InputControl field={field} id={`try-${i}`} />
            </>
          ))
        ) : (
          <>
            <label for="try-json">Input (JSON)</label>
            <textarea id="try-json" name="input_json" rows={5} placeholder="{}" />
            <label for="try-files">Files for ctx.files</label>
            <input type="file" id="try-files" name="files" multiple />
          </>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            Run {version.version}
          </button>
          <Spinner id="try-loading" label="Starting…" />
        </div>
      </form>
      <div id="try-result" />
    </section>
  );
}
