/**
 * Exit codes, the CLI's expected-error class and terminal output helpers. Expected errors print one readable
 * message (with field errors) and never a stack trace.
 */
export const EXIT = {
  ok: 0,
  /** A failure the user can fix: invalid bundle, failing test, failed run, 4xx from the server. */
  failure: 1,
  /** Wrong command line. */
  usage: 2,
  /** The server could not be reached or answered 5xx. */
  server: 3,
} as const;

export interface FieldProblem {
  field: string;
  message: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    readonly errors: FieldProblem[] = [],
    /** The HTTP status, when the error is a server's answer. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether to draw progress (stderr is a terminal and --json is off). */
  progress: boolean;
}

export const processIo = (json: boolean): Io => ({
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  progress: !json && process.stderr.isTTY === true,
});

export function formatFieldErrors(errors: FieldProblem[], indent = '  '): string {
  return errors.map((e) => `${indent}${e.field}: ${e.message}\n`).join('');
}

/** Prints rows as an aligned text table. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A one-line status on stderr that rewrites itself; silent when progress is off. */
export function spinner(io: Io, label: string) {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const draw = (text: string) => io.err(`\r\x1b[2K${text}`);
  if (io.progress) {
    timer = setInterval(() => draw(`${label} ${((Date.now() - started) / 1000).toFixed(1)}s`), 200);
    draw(label);
  }
  return {
    update(text: string) {
      if (io.progress) draw(text);
    },
    stop() {
      if (timer) clearInterval(timer);
      if (io.progress) draw('');
    },
  };
}
