import type { FieldError } from '../errors.ts';
import { withEsbuild } from './esbuild-service.ts';

export interface TranspiledModule {
  code: string;
  map: string;
}

export const isTypeScript = (path: string) => /\.(ts|mts)$/.test(path) && !path.endsWith('.d.ts');

/**
 * Transpiles one TypeScript module to a JavaScript ES module with a source map, once, at upload. A syntax error
 * comes back as a field error naming the file, line and column.
 */
export async function transpileTypeScript(
  path: string,
  source: string,
): Promise<{ module?: TranspiledModule; errors: FieldError[] }> {
  try {
    const result = await withEsbuild((esbuild) =>
      esbuild.transform(source, {
        loader: 'ts',
        format: 'esm',
        target: 'es2023',
        sourcemap: 'external',
        sourcefile: path,
        logLevel: 'silent',
      }),
    );
    return { module: { code: result.code, map: result.map }, errors: [] };
  } catch (error) {
    const failures = (error as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors;
    if (!failures?.length) throw error;
    return {
      errors: failures.map((failure) => ({
        field: failure.location ? `${path}:${failure.location.line}:${failure.location.column + 1}` : path,
        message: `TypeScript syntax error: ${failure.text}`,
      })),
    };
  }
}
