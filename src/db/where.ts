/**
 * A WHERE clause built condition by condition, with numbered parameters (`$1`, `$2`, ...) in the order they are
 * added, so optional filters never have to count placeholders by hand.
 *
 * @example
 * const where = new Where(['r.org_id = $1'], [orgId]);
 * if (status) where.add((p) => `r.status = ${p}`, status);
 * await db.query(`select * from skill_runs r where ${where.sql}`, where.params);
 */
export class Where {
  readonly conditions: string[];
  readonly params: unknown[];

  constructor(conditions: string[] = [], params: unknown[] = []) {
    this.conditions = [...conditions];
    this.params = [...params];
  }

  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Adds a condition written with the placeholders of `values`. */
  add(condition: (...placeholders: string[]) => string, ...values: unknown[]): this {
    this.conditions.push(condition(...values.map((value) => this.param(value))));
    return this;
  }

  get sql(): string {
    return this.conditions.length > 0 ? this.conditions.join(' and ') : 'true';
  }
}

/** Ids are uuid columns: a reference that is not a UUID matches no row (and must not reach a `::uuid` cast). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
