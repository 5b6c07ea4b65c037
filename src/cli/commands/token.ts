import type { components } from '../../../sdk/src/index.ts';
import { ROLES, type Role } from '../../auth/caller.ts';
import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { type Client, createClient } from '../client.ts';
import { EXIT, type Io, table, usageError } from '../output.ts';
import { resolveSettings } from '../settings.ts';

type TokenInfo = components['schemas']['TokenInfo'];

const USAGE =
  'token create --name NAME [--role ROLE] [--user USER] [--days N] | token list [--user USER] | token revoke <id>';

/** `open-skills token create|list|revoke`: API tokens through POST/GET/DELETE /tokens. */
export async function token(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('token', args, {
    ...COMMON_OPTIONS,
    ...SERVER_OPTIONS,
    name: { type: 'string' },
    role: { type: 'string' },
    user: { type: 'string' },
    days: { type: 'string' },
  });
  const [action, ...more] = rest;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw usageError(action ? `token: unknown action "${action}"; ${USAGE}` : `token: ${USAGE}`);
  }
  const client = createClient(resolveSettings(values));
  if (action === 'create') {
    positionals('token create', more, []);
    if (!values.name) throw usageError('token create: --name is required (what the token is for)');
    return create(client, io, { ...values, name: values.name });
  }
  if (action === 'list') {
    positionals('token list', more, []);
    return list(client, io, values);
  }
  const [id] = positionals('token revoke', more, ['id']);
  await client.ok(client.api.DELETE('/tokens/{id}', { params: { path: { id: id! } } }));
  io.out(values.json ? `${JSON.stringify({ id, revoked: true })}\n` : `Revoked token ${id}\n`);
  return EXIT.ok;
}

async function create(
  client: Client,
  io: Io,
  options: { name: string; role?: string; user?: string; days?: string; json?: boolean },
): Promise<number> {
  if (options.role !== undefined && !ROLES.includes(options.role as Role)) {
    throw usageError(`token create: --role must be one of ${ROLES.join(', ')}`);
  }
  const days = options.days === undefined ? undefined : Number(options.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) {
    throw usageError('token create: --days must be a whole number of days, 1-365');
  }
  const issued = await client.ok(
    client.api.POST('/tokens', {
      body: {
        name: options.name,
        role: options.role as Role | undefined,
        user_id: options.user,
        expires_in_days: days,
      },
    }),
  );
  if (options.json) {
    io.out(`${JSON.stringify(issued)}\n`);
    return EXIT.ok;
  }
  // The token alone on stdout, so `TOKEN=$(open-skills token create --name ci)` works; the rest on stderr.
  io.out(`${issued.token}\n`);
  io.err(
    `Token "${issued.name}" (${issued.id}) for ${issued.user_id}, role ${issued.role}, expires ${issued.expires_at}.\n` +
      'It is shown only now; revoke it with "open-skills token revoke <id>".\n',
  );
  return EXIT.ok;
}

async function list(client: Client, io: Io, options: { user?: string; json?: boolean }): Promise<number> {
  const tokens: TokenInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.ok(
      client.api.GET('/tokens', { params: { query: { user: options.user, cursor, limit: 100 } } }),
    );
    tokens.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  if (options.json) {
    io.out(`${JSON.stringify({ data: tokens })}\n`);
    return EXIT.ok;
  }
  if (tokens.length === 0) {
    io.out('No tokens.\n');
    return EXIT.ok;
  }
  const day = (iso: string | null) => iso?.slice(0, 16).replace('T', ' ') ?? '-';
  io.out(
    table([
      ['ID', 'NAME', 'USER', 'ROLE', 'STATUS', 'EXPIRES', 'LAST USED'],
      ...tokens.map((t) => [t.id, t.name, t.user_id, t.role, t.status, day(t.expires_at), day(t.last_used_at)]),
    ]),
  );
  return EXIT.ok;
}
