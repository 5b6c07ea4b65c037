import type { components } from './schema.ts';

/** An RFC 9457 problem, as every open-skills error response carries it. */
export type Problem = components['schemas']['Problem'];

/**
 * A request the server refused or could not serve: `status` is the HTTP status and `problem` the server's
 * problem+json body (when it sent one). A run that failed is not an error: it is a run with `status: "failed"`.
 */
export class OpenSkillsError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(status: number, problem: Problem | undefined, fallback: string) {
    super(problem ? `${problem.title}: ${problem.detail}` : fallback);
    this.name = 'OpenSkillsError';
    this.status = status;
    this.problem = problem;
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'status' in body && 'title' in body && 'detail' in body;
}

/** The error for a response that was not ok, reading its problem+json body when there is one. */
export async function errorFrom(response: Response): Promise<OpenSkillsError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const fallback = `${response.status} ${response.statusText}${text ? `: ${text.slice(0, 500)}` : ''}`;
  return new OpenSkillsError(response.status, isProblem(body) ? body : undefined, fallback);
}

/** The data of an openapi-fetch result, or the error it carries thrown as an `OpenSkillsError`. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const problem = isProblem(result.error) ? result.error : undefined;
    throw new OpenSkillsError(
      result.response.status,
      problem,
      `${result.response.status} ${result.response.statusText}`,
    );
  }
  return result.data;
}
