import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { createClient } from '../client.ts';
import { EXIT, type Io, usageError } from '../output.ts';
import { configFile, resolveSettings, writeStoredLogin } from '../settings.ts';

/** `open-skills login --url U --token T`: checks the token against GET /me, then stores both (mode 0600). */
export async function login(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('login', args, {
    ...COMMON_OPTIONS,
    ...SERVER_OPTIONS,
    'no-verify': { type: 'boolean', default: false },
  });
  positionals('login', rest, []);
  if (!values.token)
    throw usageError('login: --token is required (the server prints an admin token on its first start)');
  const settings = resolveSettings({ url: values.url, token: values.token });
  let me: { user_id: string; org_id: string; role: string } | undefined;
  if (!values['no-verify']) {
    const client = createClient(settings);
    me = await client.ok(client.api.GET('/me'));
  }
  const file = configFile();
  writeStoredLogin({ url: settings.url, token: values.token }, file);
  if (values.json) io.out(`${JSON.stringify({ url: settings.url, config: file, me })}\n`);
  else {
    const identity = me?.user_id ? ` as ${me.user_id} (${me.role}) in org ${me.org_id}` : '';
    io.out(`Logged in to ${settings.url}${identity}; saved to ${file}\n`);
  }
  return EXIT.ok;
}
