/**
 * Authoring forms: upload a bundle (a zip or tar.gz, or a folder) as a new skill or a new version, change a skill's
 * description, tags and visibility, and edit SKILL.md to make a new version. Validation errors and warnings appear
 * beside the field they are about.
 */
import type { SkillSummary } from '../src/skills/schemas.ts';
import { CsrfField, FieldErrors, type FormErrors, Notice, Spinner } from './components.tsx';

/** Attributes of a form that posts with htmx (errors swap the form in place) and works as a plain form too. */
function formAttrs(action: string, id: string, multipart = false) {
  return {
    id,
    method: 'post',
    action,
    class: 'stack',
    ...(multipart ? { enctype: 'multipart/form-data', 'hx-encoding': 'multipart/form-data' } : {}),
    'hx-post': action,
    'hx-target': `#${id}`,
    'hx-select': `#${id}`,
    'hx-swap': 'outerHTML',
    'hx-indicator': `#${id}-loading`,
    'hx-disabled-elt': 'find button[type=submit]',
  };
}

const invalid = (errors: FormErrors, key: string) => (errors[key]?.length ? 'true' : undefined);

function FormProblem({ errors }: { errors: FormErrors }) {
  const general = errors[''];
  return general?.length ? (
    <Notice kind="error">
      {general.map((e) => (
        <div>{e.message}</div>
      ))}
    </Notice>
  ) : null;
}

/** The version to store a new version as, and (for publishers) whether to publish it at once. */
function VersionFields(props: {
  id: string;
  value: string;
  placeholder?: string;
  errors: FormErrors;
  canPublish: boolean;
}) {
  return (
    <>
      <label for={props.id}>{props.placeholder ? 'Version' : 'New version'}</label>
      <input
        type="text"
        id={props.id}
        name="version"
        value={props.value}
        placeholder={props.placeholder}
        maxLength={64}
        aria-invalid={invalid(props.errors, 'version')}
      />
      <FieldErrors id={props.id} errors={props.errors.version} />
      {props.canPublish && (
        <label class="checkbox">
          <input type="checkbox" name="publish" value="true" /> Publish at once
        </label>
      )}
    </>
  );
}

/** The archive or folder, version and publish fields of an upload. */
function BundleFields(props: { errors: FormErrors; canPublish: boolean; version?: string }) {
  const { errors } = props;
  return (
    <>
      <label for="bundle">Bundle archive (.zip, .tar.gz)</label>
      <input
        type="file"
        id="bundle"
        name="bundle"
        accept=".zip,.tar.gz,.tgz,application/zip,application/gzip"
        aria-invalid={invalid(errors, 'bundle')}
      />
      <label for="folder">or a folder</label>
      <input type="file" id="folder" name="files[]" multiple {...{ webkitdirectory: '' }} data-paths="paths" />
      <input type="hidden" name="paths" value="" />
      <p class="help">The folder that holds SKILL.md (with scripts/, resources/, tests/ beside it).</p>
      <FieldErrors id="bundle" errors={errors.bundle} />
      <VersionFields
        id="version"
        value={props.version ?? ''}
        placeholder="from SKILL.md, e.g. 1.0.0"
        errors={errors}
        canPublish={props.canPublish}
      />
    </>
  );
}

export function NewSkillForm(props: { csrf: string; canPublish: boolean; errors?: FormErrors }) {
  const errors = props.errors ?? {};
  return (
    <form {...formAttrs('/console/skills/new', 'new-skill', true)}>
      <FormProblem errors={errors} />
      <CsrfField token={props.csrf} />
      <BundleFields errors={errors} canPublish={props.canPublish} />
      <label for="visibility">Visibility</label>
      <select id="visibility" name="visibility">
        <option value="org">Organisation: every member sees it</option>
        <option value="user">Only me (and admins)</option>
        <option value="public">Public: members, and anyone through the well-known index (publishers)</option>
      </select>
      <button type="submit" class="primary">
        Upload
      </button>
      <Spinner id="new-skill-loading" label="Uploading and checking the bundle…" />
    </form>
  );
}

export const NewSkillPage = (props: { csrf: string; canPublish: boolean; errors?: FormErrors }) => (
  <>
    <h1>New skill</h1>
    <section class="card">
      <p>
        A skill is a folder with a <code>SKILL.md</code> (YAML front matter and instructions) and optional{' '}
        <code>scripts/</code>, <code>resources/</code> and <code>tests/</code>. Its name comes from SKILL.md.
      </p>
      <NewSkillForm {...props} />
    </section>
  </>
);

export interface EditState {
  details?: { errors: FormErrors; values?: { description: string; tags: string; visibility: string } };
  skillMd?: { errors: FormErrors; text: string; version: string };
  upload?: { errors: FormErrors };
}

export function DetailsForm(props: { skill: SkillSummary; csrf: string; state?: EditState['details'] }) {
  const { skill } = props;
  const errors = props.state?.errors ?? {};
  const values = props.state?.values ?? {
    description: skill.description,
    tags: skill.tags.join(', '),
    visibility: skill.visibility,
  };
  return (
    <form {...formAttrs(`/console/skills/${encodeURIComponent(skill.name)}/details`, 'details-form')}>
      <h3>Details</h3>
      <FormProblem errors={errors} />
      <CsrfField token={props.csrf} />
      <label for="description">Description</label>
      <textarea
        id="description"
        name="description"
        rows={3}
        maxLength={1024}
        aria-invalid={invalid(errors, 'description')}
      >
        {values.description}
      </textarea>
      <FieldErrors id="description" errors={errors.description} />
      <label for="tags">Tags</label>
      <input id="tags" name="tags" value={values.tags} placeholder="csv, json" aria-invalid={invalid(errors, 'tags')} />
      <FieldErrors id="tags" errors={errors.tags} />
      <label for="skill-visibility">Visibility</label>
      <select id="skill-visibility" name="visibility" value={values.visibility}>
        <option value="org">Organisation</option>
        <option value="user">Only its owner (and admins)</option>
        <option value="public">Public: also in the well-known index, without a token (publishers)</option>
      </select>
      <button type="submit">Save details</button>
      <Spinner id="details-form-loading" label="Saving…" />
    </form>
  );
}

export function SkillMdForm(props: {
  skill: string;
  base: string;
  csrf: string;
  canPublish: boolean;
  state: EditState['skillMd'];
}) {
  const state = props.state ?? { errors: {}, text: '', version: '' };
  const { errors } = state;
  return (
    <form {...formAttrs(`/console/skills/${encodeURIComponent(props.skill)}/versions`, 'skill-md-form')}>
      <details class="edit-part" open={Object.keys(errors).length > 0}>
        <summary>New version from SKILL.md</summary>
        <p class="help">The other files are copied from the version shown above.</p>
        <FormProblem errors={errors} />
        <CsrfField token={props.csrf} />
        <input type="hidden" name="base" value={props.base} />
        <label for="skill-md">SKILL.md</label>
        <textarea
          id="skill-md"
          name="skill_md"
          class="skill-md"
          spellcheck={false}
          aria-invalid={invalid(errors, 'skill_md')}
        >
          {state.text}
        </textarea>
        <FieldErrors id="skill-md" errors={errors.skill_md} />
        <VersionFields id="new-version" value={state.version} errors={errors} canPublish={props.canPublish} />
        <button type="submit">Save as a new version</button>
        <Spinner id="skill-md-form-loading" label="Checking…" />
      </details>
    </form>
  );
}

export function UploadVersionForm(props: {
  skill: string;
  csrf: string;
  canPublish: boolean;
  state?: EditState['upload'];
}) {
  const errors = props.state?.errors ?? {};
  return (
    <form {...formAttrs(`/console/skills/${encodeURIComponent(props.skill)}/upload`, 'upload-form', true)}>
      <details class="edit-part" open={Object.keys(errors).length > 0}>
        <summary>Upload a new version</summary>
        <FormProblem errors={errors} />
        <CsrfField token={props.csrf} />
        <BundleFields errors={errors} canPublish={props.canPublish} />
        <button type="submit">Upload version</button>
        <Spinner id="upload-form-loading" label="Uploading and checking the bundle…" />
      </details>
    </form>
  );
}
