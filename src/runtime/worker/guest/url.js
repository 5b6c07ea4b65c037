// A small WHATWG-like URL and URLSearchParams for the guest (isolates have neither). It covers absolute URLs with
// an authority (http, https, ws, ...), opaque URLs (mailto:, data:) and relative references against a base;
// it does not do IDNA or full percent-encoding sets. Evaluated by the worker as `(source)(globalThis)`.
// The outer function is this script's scope, not a unit of logic: it is evaluated once per context, so everything
// it defines stays private to the guest; the helpers inside it are the units, each short.
(function installUrl(g) {
  const encode = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  const decode = (s) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  const DEFAULT_PORTS = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21' };

  class URLSearchParams {
    #list = [];
    #onChange;
    constructor(init = '', onChange) {
      this.#onChange = onChange;
      if (typeof init === 'string') this.#parse(init);
      else if (init && typeof init[Symbol.iterator] === 'function') {
        for (const [k, v] of init) this.#list.push([String(k), String(v)]);
      } else if (init && typeof init === 'object') {
        for (const k of Object.keys(init)) this.#list.push([k, String(init[k])]);
      }
    }
    #parse(s) {
      this.#list = [];
      for (const part of s.replace(/^\?/, '').split('&')) {
        if (!part) continue;
        const i = part.indexOf('=');
        this.#list.push(i < 0 ? [decode(part), ''] : [decode(part.slice(0, i)), decode(part.slice(i + 1))]);
      }
    }
    _reset(s) {
      this.#parse(s);
    }
    #changed() {
      if (this.#onChange) this.#onChange(this.toString());
    }
    get size() {
      return this.#list.length;
    }
    append(k, v) {
      this.#list.push([String(k), String(v)]);
      this.#changed();
    }
    delete(k) {
      this.#list = this.#list.filter(([key]) => key !== String(k));
      this.#changed();
    }
    get(k) {
      const e = this.#list.find(([key]) => key === String(k));
      return e ? e[1] : null;
    }
    getAll(k) {
      return this.#list.filter(([key]) => key === String(k)).map(([, v]) => v);
    }
    has(k) {
      return this.#list.some(([key]) => key === String(k));
    }
    set(k, v) {
      const key = String(k);
      const i = this.#list.findIndex(([x]) => x === key);
      if (i < 0) this.#list.push([key, String(v)]);
      else
        this.#list = this.#list.filter(([x], j) => j <= i || x !== key).map((e, j) => (j === i ? [key, String(v)] : e));
      this.#changed();
    }
    sort() {
      this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#changed();
    }
    forEach(fn, thisArg) {
      for (const [k, v] of this.#list) fn.call(thisArg, v, k, this);
    }
    *entries() {
      for (const e of this.#list) yield [e[0], e[1]];
    }
    *keys() {
      for (const e of this.#list) yield e[0];
    }
    *values() {
      for (const e of this.#list) yield e[1];
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return this.#list.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    }
  }

  function normalizePath(path) {
    const out = [];
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p === '..') {
        if (out.length > 1) out.pop();
        if (i === parts.length - 1) out.push('');
      } else if (p === '.') {
        if (i === parts.length - 1) out.push('');
      } else out.push(p);
    }
    const joined = out.join('/');
    return joined.startsWith('/') ? joined : `/${joined}`;
  }

  const ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.-]*:)(.*)$/s;
  const AUTHORITY = /^\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/s;
  const OPAQUE = /^([^?#]*)(\?[^#]*)?(#.*)?$/s;

  class URL {
    #parts;
    #search;
    constructor(url, base) {
      const input = String(url).trim();
      const m = ABSOLUTE.exec(input);
      if (m) this.#parts = URL.#parseAbsolute(m[1].toLowerCase(), m[2], input);
      else {
        if (base === undefined) throw new TypeError(`Invalid URL: ${input}`);
        this.#parts = URL.#resolve(input, base instanceof URL ? base : new URL(base));
      }
      this.#search = new URLSearchParams(this.#parts.search, (s) => {
        this.#parts.search = s ? `?${s}` : '';
      });
    }
    static #parseAbsolute(protocol, rest, input) {
      const a = AUTHORITY.exec(rest);
      if (a) {
        const at = a[1].lastIndexOf('@');
        const userinfo = at >= 0 ? a[1].slice(0, at) : '';
        const hostport = at >= 0 ? a[1].slice(at + 1) : a[1];
        const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostport);
        if (!hp) throw new TypeError(`Invalid URL: ${input}`);
        const ci = userinfo.indexOf(':');
        const port = hp[2] && hp[2] !== DEFAULT_PORTS[protocol] ? hp[2] : '';
        const special = protocol in DEFAULT_PORTS;
        if (special && !hp[1]) throw new TypeError(`Invalid URL: ${input}`);
        return {
          protocol,
          username: ci >= 0 ? userinfo.slice(0, ci) : userinfo,
          password: ci >= 0 ? userinfo.slice(ci + 1) : '',
          hostname: hp[1].toLowerCase(),
          port,
          pathname: a[2] ? normalizePath(a[2]) : special ? '/' : '',
          search: a[3] && a[3] !== '?' ? a[3] : '',
          hash: a[4] && a[4] !== '#' ? a[4] : '',
          opaque: false,
        };
      }
      const o = OPAQUE.exec(rest);
      return {
        protocol,
        username: '',
        password: '',
        hostname: '',
        port: '',
        pathname: o[1],
        search: o[2] && o[2] !== '?' ? o[2] : '',
        hash: o[3] && o[3] !== '#' ? o[3] : '',
        opaque: true,
      };
    }
    static #resolve(ref, base) {
      const b = { ...base.#parts };
      if (ref.startsWith('//')) return URL.#parseAbsolute(b.protocol, ref, ref);
      const o = OPAQUE.exec(ref);
      const path = o[1];
      const search = o[2] && o[2] !== '?' ? o[2] : '';
      const hash = o[3] && o[3] !== '#' ? o[3] : '';
      if (path === '') {
        return { ...b, search: o[2] !== undefined ? search : b.search, hash };
      }
      const dir = b.pathname.slice(0, b.pathname.lastIndexOf('/') + 1);
      return { ...b, pathname: normalizePath(path.startsWith('/') ? path : dir + path), search, hash };
    }
    get protocol() {
      return this.#parts.protocol;
    }
    get username() {
      return this.#parts.username;
    }
    get password() {
      return this.#parts.password;
    }
    get hostname() {
      return this.#parts.hostname;
    }
    get port() {
      return this.#parts.port;
    }
    get host() {
      return this.#parts.hostname + (this.#parts.port ? `:${this.#parts.port}` : '');
    }
    get origin() {
      return this.#parts.opaque ? 'null' : `${this.protocol}//${this.host}`;
    }
    get pathname() {
      return this.#parts.pathname;
    }
    set pathname(v) {
      this.#parts.pathname = normalizePath(String(v));
    }
    get search() {
      return this.#parts.search;
    }
    set search(v) {
      const s = String(v).replace(/^\?/, '');
      this.#parts.search = s ? `?${s}` : '';
      this.#search._reset(s);
    }
    get searchParams() {
      return this.#search;
    }
    get hash() {
      return this.#parts.hash;
    }
    set hash(v) {
      const s = String(v).replace(/^#/, '');
      this.#parts.hash = s ? `#${s}` : '';
    }
    get href() {
      const p = this.#parts;
      if (p.opaque) return `${p.protocol}${p.pathname}${p.search}${p.hash}`;
      const auth = p.username ? `${p.username}${p.password ? `:${p.password}` : ''}@` : '';
      return `${p.protocol}//${auth}${this.host}${p.pathname}${p.search}${p.hash}`;
    }
    toString() {
      return this.href;
    }
    toJSON() {
      return this.href;
    }
    static canParse(url, base) {
      try {
        new URL(url, base);
        return true;
      } catch {
        return false;
      }
    }
  }

  for (const [name, value] of [
    ['URL', URL],
    ['URLSearchParams', URLSearchParams],
  ]) {
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
