/**
 * Sandbox IPC messages over a JSON channel. Node forks workers with `serialization: 'advanced'`, where Uint8Array
 * values cross as-is; a parent that is not Node (the API on Deno) speaks only JSON IPC to its Node workers, so
 * both ends then wrap each message: byte arrays become `{ "$u8": base64 }`, and an object key made of `$`s followed
 * by `u8` (which a guest may write) gains one more `$`, so no guest value can pass for bytes.
 *
 * @example
 * child.send(toJsonMessage({ t: 'hostResult', value: new Uint8Array([1]) }));
 * const message = fromJsonMessage(raw); // value is a Uint8Array again
 */

const BYTES_KEY = '$u8';
const ESCAPED_KEY = /^\$+u8$/;

/** A copy of `value` that survives JSON: bytes become `{ $u8: base64 }`; `$u8`-like keys are escaped. */
export function toJsonMessage(value: unknown): unknown {
  if (value instanceof Uint8Array) return { [BYTES_KEY]: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toJsonMessage);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties, so a guest's `__proto__` key stays a key.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [ESCAPED_KEY.test(key) ? `$${key}` : key, toJsonMessage(item)]),
  );
}

/** The inverse of `toJsonMessage`. */
export function fromJsonMessage(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonMessage);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first?.[0] === BYTES_KEY && typeof first[1] === 'string') {
    return new Uint8Array(Buffer.from(first[1], 'base64'));
  }
  return Object.fromEntries(
    entries.map(([key, item]) => [ESCAPED_KEY.test(key) ? key.slice(1) : key, fromJsonMessage(item)]),
  );
}
