/**
 * Organisation secrets: the API (admins set, list and delete; values are write-only) and what a run receives.
 * Only approved code receives values: a version gets the secrets its SKILL.md declares once it is published (a
 * publisher or admin approved it), or when a publisher or admin runs it as a draft. Anyone else's run of a draft
 * sees the declared names with empty values, and the run's log says why.
 *
 * @example
 * const secrets = createSecrets({ db, clock, key: deriveSecretsKey(config.JWT_SECRET) });
 * const { values, withheld } = await secrets.forRun(caller, { status: 'draft', names: ['API_KEY'] });
 */
import { recordAudit } from '../audit/audit.ts';
import { type Caller, hasRole, requireOrgAdmin } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { iso, isoOrNull } from '../schemas.ts';
import { decryptSecret, encryptSecret } from './crypto.ts';
import { createSecretRowStore, type SecretRow } from './store.ts';

export { deriveSecretsKey } from './crypto.ts';

export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const MAX_SECRET_BYTES = 64 * 1024;

export interface SecretInfo {
  name: string;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
}

const info = (r: SecretRow): SecretInfo => ({
  name: r.name,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
  last_used_at: isoOrNull(r.last_used_at),
});

/** Whether a run of a version with this status, started by `caller`, may receive secret values. */
export const receivesSecrets = (caller: Pick<Caller, 'role'>, status: string) =>
  status !== 'draft' || hasRole(caller, 'publisher');

export function createSecrets(deps: { db: Database; clock: Clock; key?: Uint8Array }) {
  const rows = createSecretRowStore(deps.db);
  const key = () => {
    if (!deps.key) throw new AppError('unavailable', 'Secrets are not configured on this server');
    return deps.key;
  };

  return {
    async put(caller: Caller, org: string, name: string, value: string): Promise<SecretInfo> {
      requireOrgAdmin(caller, org, 'manage secrets');
      const ciphertext = encryptSecret(key(), org, name, value);
      return deps.db.transaction(async (q) => {
        const row = await rows.upsert(q, {
          orgId: org,
          name,
          ciphertext,
          userId: caller.userId,
          now: deps.clock.now(),
        });
        await recordAudit(q, deps.clock, caller, { action: 'secret.set', targetType: 'secret', targetId: name });
        return info(row);
      });
    },

    async list(caller: Caller, org: string): Promise<SecretInfo[]> {
      requireOrgAdmin(caller, org, 'list secrets');
      return (await rows.list(org)).map(info);
    },

    async remove(caller: Caller, org: string, name: string): Promise<void> {
      requireOrgAdmin(caller, org, 'delete secrets');
      await deps.db.transaction(async (q) => {
        if (!(await rows.remove(q, org, name))) throw new AppError('not_found', `Secret "${name}" not found`);
        await recordAudit(q, deps.clock, caller, { action: 'secret.delete', targetType: 'secret', targetId: name });
      });
    },

    /**
     * The declared secrets a run receives: decrypted values when the version is approved (see `receivesSecrets`),
     * otherwise every name with an empty value, listed in `withheld`. Names without a stored secret are left out.
     */
    async forRun(
      caller: Caller,
      version: { status: string; names: readonly string[] },
    ): Promise<{ values: Record<string, string>; withheld: string[] }> {
      const { names } = version;
      if (names.length === 0) return { values: {}, withheld: [] };
      if (!receivesSecrets(caller, version.status)) {
        return { values: Object.fromEntries(names.map((n) => [n, ''])), withheld: [...names] };
      }
      if (!deps.key) return { values: {}, withheld: [] };
      const values: Record<string, string> = {};
      for (const row of await rows.ciphertextsForUse(caller.orgId, names, deps.clock.now())) {
        values[row.name] = decryptSecret(deps.key, caller.orgId, row.name, row.ciphertext);
      }
      return { values, withheld: [] };
    },
  };
}

export type Secrets = ReturnType<typeof createSecrets>;
