/**
 * Try it: the form generated from a version's declared inputs becomes a run request for the runs service (the same
 * call as POST /runs), started asynchronously so its panel can stream the run's logs into the page.
 */
import type { Hono } from 'hono';
import { Notice } from '../../views/components.tsx';
import { RunPanel } from '../../views/run.tsx';
import { inputField } from '../../views/try-it.tsx';
import { limitBody } from '../api/body-limit.ts';
import { statusOf } from '../api/problem.ts';
import { MAX_RUN_REQUEST_BYTES } from '../api/runs/runs.index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { RunRequestSchema } from '../runs/schemas.ts';
import type { IoField } from '../skills/manifest.ts';
import { type ConsoleEnv, type FormBody, field, files, isHtmx } from './context.ts';
import { isFixable } from './forms.ts';
import { checkCsrf } from './middleware.tsx';
import { html, redirect } from './render.tsx';

/** A typed value of a declared input, from its form text; undefined when left empty. */
function typedValue(f: IoField, text: string, errors: FieldError[]): unknown {
  if (text.trim() === '') return undefined;
  const problem = (message: string) => {
    errors.push({ field: f.name, message });
    return undefined;
  };
  switch (f.type) {
    case 'number':
      return Number.isFinite(Number(text)) ? Number(text) : problem('must be a number');
    case 'boolean':
      return text === 'true';
    case 'object':
    case 'array':
      try {
        return JSON.parse(text);
      } catch {
        return problem(`must be JSON (${f.type === 'array' ? 'an array' : 'an object'})`);
      }
    default:
      return text;
  }
}

/** The run's input and files from the form: declared inputs one by one, else a JSON box and a file picker. */
export async function tryItInput(form: FormBody, declared: IoField[]) {
  const errors: FieldError[] = [];
  const sent = new Map<string, Uint8Array>();
  const addFile = async (file: File, preferred: string) => {
    const name = sent.has(preferred) ? `${sent.size}-${preferred}` : preferred;
    sent.set(name, new Uint8Array(await file.arrayBuffer()));
    return name;
  };
  let input: unknown = {};
  if (declared.length > 0) {
    const values: Record<string, unknown> = {};
    for (const f of declared) {
      const [file] = f.type === 'file' ? files(form, inputField(f)) : [];
      const value = file ? await addFile(file, file.name || f.name) : typedValue(f, field(form, inputField(f)), errors);
      if (value !== undefined) values[f.name] = value;
    }
    input = values;
  } else {
    const text = field(form, 'input_json').trim();
    try {
      input = text ? JSON.parse(text) : {};
    } catch {
      errors.push({ field: 'input', message: 'must be JSON' });
    }
    for (const file of files(form, 'files')) await addFile(file, file.name);
  }
  if (errors.length) throw new AppError('invalid_request', 'Some inputs need fixing', { errors });
  return { input, files: sent };
}

export function tryPages(router: Hono<ConsoleEnv>) {
  const csrf = checkCsrf((c) => c.get('session'));

  router.post('/skills/:name/run', limitBody(MAX_RUN_REQUEST_BYTES), csrf, async (c) => {
    const { registry, runs } = c.var.services;
    const skill = await registry.findSkill(c.var.caller, c.req.param('name'));
    const version = await registry.getVersion(c.var.caller, field(c.var.form, 'version_id'));
    if (version.skill_id !== skill.id) throw new AppError('not_found', `No such version of "${skill.name}"`);
    try {
      const { input, files: sent } = await tryItInput(c.var.form, version.inputs ?? []);
      const request = RunRequestSchema.parse({ skill: skill.id, version: version.version, input, async: true });
      const { run } = await runs.start(c.var.caller, request, sent);
      if (isHtmx(c)) return html(c, <RunPanel run={run} previews={new Map()} />, 200, false);
      return redirect(c, `/console/runs/${run.id}`);
    } catch (error) {
      // Inputs to fix are shown under the form, where the person is looking; anything else is the error page.
      if (!isHtmx(c) || !isFixable(error)) throw error;
      const problems = error.options.errors ?? [];
      const notice = (
        <Notice kind="error">
          {error.message}
          <ul>
            {problems.map((e) => (
              <li>
                <code>{e.field}</code>: {e.message}
              </li>
            ))}
          </ul>
        </Notice>
      );
      return html(c, notice, statusOf(error), false);
    }
  });
}
