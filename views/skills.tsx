/** The skills list: live search through the router, tag and visibility filters, one page at a time. */
import type { SkillSummary } from '../src/skills/schemas.ts';
import { Empty, NextPage, Spinner, Tags } from './components.tsx';

export interface SkillFilters {
  q?: string;
  tag?: string;
  visibility?: 'user' | 'org' | 'public';
}

const clip = (text: string, max = 280) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function SkillResults(props: { skills: SkillSummary[]; next: string | null; filters: SkillFilters }) {
  const { skills, filters } = props;
  const filtered = Boolean(filters.q || filters.tag || filters.visibility);
  return (
    <div id="skill-results">
      {filters.q && skills.length > 0 && <p class="muted">Best matches for “{filters.q}”, most relevant first.</p>}
      {skills.length === 0 ? (
        filtered ? (
          <Empty title="No skills match">Try other words, or clear the filters.</Empty>
        ) : (
          <Empty title="No skills yet">
            Upload one with <a href="/console/skills/new">New skill</a>, or publish with{' '}
            <code>open-skills publish</code>.
          </Empty>
        )
      ) : (
        <ul class="skill-list">
          {skills.map((skill) => (
            <li>
              <a class="skill-name" href={`/console/skills/${encodeURIComponent(skill.name)}`}>
                {skill.name}
              </a>{' '}
              {skill.latest_version ? (
                <span class="badge status-published">{skill.latest_version}</span>
              ) : (
                <span class="badge status-draft">no published version</span>
              )}{' '}
              {skill.visibility === 'user' && <span class="badge">private</span>}
              {skill.visibility === 'public' && <span class="badge">public</span>}{' '}
              {skill.runnable && <span class="badge">runnable</span>}
              <p>{clip(skill.description)}</p>
              <Tags tags={skill.tags} /> <span class="muted">by {skill.owner_id}</span>
            </li>
          ))}
        </ul>
      )}
      <NextPage href={props.next} />
    </div>
  );
}

export function SkillsPage(props: {
  skills: SkillSummary[];
  next: string | null;
  filters: SkillFilters;
  canCreate: boolean;
}) {
  const { filters } = props;
  return (
    <>
      <h1>Skills {props.canCreate && <a href="/console/skills/new">New skill</a>}</h1>
      <form
        class="filters"
        method="get"
        action="/console/skills"
        hx-get="/console/skills"
        hx-trigger="input changed delay:300ms from:input[name=q], change, submit"
        hx-target="#skill-results"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-indicator="#skills-loading"
      >
        <label>
          Search skills
          <input
            type="search"
            name="q"
            value={filters.q ?? ''}
            placeholder="what should it do?"
            maxLength={500}
            autocomplete="off"
          />
        </label>
        <label>
          Tag
          <input type="text" name="tag" value={filters.tag ?? ''} maxLength={64} size={12} />
        </label>
        <label>
          Visibility
          <select name="visibility" value={filters.visibility ?? ''}>
            <option value="">any</option>
            <option value="org">organisation</option>
            <option value="user">only its owner</option>
            <option value="public">public</option>
          </select>
        </label>
        <button type="submit">Search</button>
        <Spinner id="skills-loading" label="Searching…" />
      </form>
      <SkillResults skills={props.skills} next={props.next} filters={filters} />
    </>
  );
}
