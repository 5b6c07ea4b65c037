// Runs inside every fresh context before any skill code. It receives the only host capability the guest ever
// gets, a synchronous `ivm.Callback` (`send`), keeps it in this closure (never on a global) and builds `console`
// and the skill's `ctx` on top of it. It returns `control`, which only the worker holds (as a Reference): the
// worker calls it to launch `run` and to deliver results of asynchronous host calls.
// Evaluated by the worker as `return (source)(globalThis, $0)`.
// The outer function is this script's scope, not a unit of logic: it is evaluated once per context, so everything
// it defines stays private to the guest; the helpers inside it are the units, each short.
(function bootstrap(g, send) {
  const { stringify, parse } = JSON;
  const { freeze, defineProperty, keys } = Object;
  const PromiseCtor = Promise;
  const pending = new Map();
  // Errors that came from the host, with their run error type; read from here, not from a guest-writable prop.
  const hostErrorTypes = new WeakMap();
  let nextCallId = 1;
  // Bytes that leave the isolate are capped here, before they are copied out: a log line, an error's message and
  // its stack (the worker caps them again).
  const MAX_LINE = 16 * 1024;
  const MAX_MESSAGE = 4 * 1024;
  const MAX_STACK = 16 * 1024;
  const cap = (text, max) =>
    text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;

  function hostError(e) {
    const err = new Error(String(e.message));
    err.name = String(e.name || 'Error');
    if (e.type) {
      err.type = e.type;
      hostErrorTypes.set(err, e.type);
    }
    return err;
  }

  function call(op, args) {
    return new PromiseCtor((resolve, reject) => {
      const id = nextCallId++;
      pending.set(id, { resolve, reject });
      const r = send(op, id, args);
      if (r !== true) {
        pending.delete(id);
        reject(hostError(r));
      }
    });
  }

  function formatValue(v, seen) {
    if (typeof v === 'string') return v;
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return `[Function: ${v.name || '(anonymous)'}]`;
    if (typeof v === 'symbol' || typeof v === 'bigint') return typeof v === 'bigint' ? `${v}n` : v.toString();
    if (v instanceof Error) return v.stack || `${v.name}: ${v.message}`;
    if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
    try {
      const json = stringify(v, (_k, x) => {
        if (typeof x === 'bigint') return `${x}n`;
        if (typeof x === 'function') return `[Function: ${x.name || '(anonymous)'}]`;
        if (x && typeof x === 'object') {
          if (seen.has(x)) return '[Circular]';
          seen.add(x);
        }
        return x;
      });
      return json === undefined ? String(v) : json;
    } catch {
      return String(v);
    }
  }
  const format = (args) => args.map((a) => formatValue(a, new Set())).join(' ');

  function logger(level) {
    return (...args) => {
      const r = send('log', 0, { level, message: cap(format(args), MAX_LINE) });
      if (r !== true) throw hostError(r);
    };
  }
  const console = freeze({
    log: logger('info'),
    info: logger('info'),
    warn: logger('warn'),
    error: logger('error'),
    debug: logger('debug'),
    trace: logger('debug'),
  });
  defineProperty(g, 'console', { value: console, writable: true, configurable: true, enumerable: false });

  const decoder = () => new g.TextDecoder();
  const encoder = () => new g.TextEncoder();

  function makeHeaders(record) {
    const map = new Map(keys(record).map((k) => [k.toLowerCase(), String(record[k])]));
    return freeze({
      get: (name) => (map.has(String(name).toLowerCase()) ? map.get(String(name).toLowerCase()) : null),
      has: (name) => map.has(String(name).toLowerCase()),
      forEach: (fn) => {
        for (const [k, v] of map) fn(v, k);
      },
      entries: () => map.entries(),
      keys: () => map.keys(),
      [Symbol.iterator]: () => map.entries(),
    });
  }

  function normalizeInit(init) {
    const out = { method: 'GET', headers: {} };
    if (!init) return out;
    if (init.method !== undefined) out.method = String(init.method).toUpperCase();
    const h = init.headers;
    if (h && typeof h.forEach === 'function' && !Array.isArray(h)) {
      h.forEach((v, k) => {
        out.headers[k] = String(v);
      });
    } else if (Array.isArray(h)) for (const [k, v] of h) out.headers[String(k)] = String(v);
    else if (h && typeof h === 'object') for (const k of keys(h)) out.headers[k] = String(h[k]);
    if (init.body !== undefined && init.body !== null) {
      out.body = init.body instanceof Uint8Array || typeof init.body === 'string' ? init.body : String(init.body);
    }
    return out;
  }

  function makeResponse(r) {
    const body = r.body;
    return freeze({
      ok: r.status >= 200 && r.status < 300,
      status: r.status,
      statusText: r.statusText,
      url: r.url,
      headers: makeHeaders(r.headers),
      text: async () => decoder().decode(body),
      json: async () => parse(decoder().decode(body)),
      arrayBuffer: async () => body.slice().buffer,
      bytes: async () => body.slice(),
    });
  }

  function makeLog() {
    const log = logger('info');
    for (const level of ['debug', 'info', 'warn', 'error']) log[level] = logger(level);
    return freeze(log);
  }

  function makeCtx(meta) {
    return freeze({
      run: freeze({ id: meta.run.id, skill: meta.run.skill, version: meta.run.version }),
      log: makeLog(),
      secrets: freeze({ ...meta.secrets }),
      files: freeze({
        read: (name) => call('readFile', { name }),
        readText: async (name) => decoder().decode(await call('readFile', { name })),
      }),
      resources: freeze({
        read: (path) => call('readResource', { path }),
        readText: async (path) => decoder().decode(await call('readResource', { path })),
      }),
      artifacts: freeze({
        write: (name, data, options) =>
          call('writeArtifact', {
            name,
            data: typeof data === 'string' ? encoder().encode(data) : data,
            mimeType: options?.mimeType,
          }),
      }),
      fetch: async (url, init) => makeResponse(await call('fetch', { url: String(url), ...normalizeInit(init) })),
      callSkill: (name, input, options) =>
        call('callSkill', { name, input: input === undefined ? null : input, version: options?.version }),
    });
  }

  function safeString(f, fallback) {
    try {
      return String(f());
    } catch {
      return fallback;
    }
  }

  // Describes a thrown value as [type, name, message, stack] with plain strings only.
  function describe(e) {
    const type = hostErrorTypes.get(e) || 'skill_error';
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
      const name = cap(
        safeString(() => e.name, 'Error'),
        256,
      );
      const message = cap(
        safeString(() => e.message, ''),
        MAX_MESSAGE,
      );
      const stack = cap(
        safeString(() => e.stack, ''),
        MAX_STACK,
      );
      if (e instanceof Error || 'message' in e) return [type, name, message, stack];
      return [type, 'Error', `Non-Error value thrown: ${cap(formatValue(e, new Set()), MAX_MESSAGE)}`, ''];
    }
    const text = cap(typeof e === 'string' ? e : formatValue(e, new Set()), MAX_MESSAGE);
    return [type, 'Error', typeof e === 'string' ? text : `Non-Error value thrown: ${text}`, ''];
  }

  async function launch(ns, metaJson) {
    const meta = parse(metaJson);
    const run = typeof ns.default === 'function' ? ns.default : ns.run;
    if (typeof run !== 'function') {
      return ['skill_error', 'Error', 'The entry module must export a `run` function (default or named export)', ''];
    }
    let out;
    try {
      out = await run(meta.input, makeCtx(meta));
    } catch (e) {
      return describe(e);
    }
    if (typeof out === 'function' || typeof out === 'symbol') {
      return ['skill_error', 'TypeError', `run() returned a ${typeof out}, which is not JSON-serialisable`, ''];
    }
    let json;
    try {
      json = out === undefined ? 'null' : stringify(out);
    } catch (e) {
      const [, , message] = describe(e);
      return ['skill_error', 'TypeError', `run() returned a value that is not JSON-serialisable: ${message}`, ''];
    }
    if (typeof json !== 'string') {
      return ['skill_error', 'TypeError', 'run() returned a value that is not JSON-serialisable', ''];
    }
    if (json.length > meta.maxOutputBytes) {
      return ['output_too_large', 'Error', `Output is larger than ${meta.maxOutputBytes} bytes`, ''];
    }
    return json;
  }

  let launched = false;
  return function control(kind, a, b, c) {
    if (kind === 'deliver') {
      const p = pending.get(a);
      if (!p) return;
      pending.delete(a);
      if (b) p.resolve(c);
      else p.reject(hostError(c));
      return;
    }
    if (kind === 'launch' && !launched) {
      launched = true;
      return launch(a, b);
    }
    throw new Error('invalid control call');
  };
});
