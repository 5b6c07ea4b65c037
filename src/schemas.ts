/**
 * Zod building blocks every concern's schemas share. Domain schemas use plain `zod` with `.meta()`; the OpenAPI
 * generator reads `description` and `example` from it, and `id` as the component name.
 */
import { z } from 'zod';

/** An ISO-8601 timestamp as the API writes it. */
export const timestamp = (description: string) =>
  z.string().meta({ description, example: '2026-11-24T08:00:00.000Z', format: 'date-time' });

/** A database timestamp as the API writes it. */
export const iso = (value: Date | string) => new Date(value).toISOString();
export const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** One page of a keyset-paginated list, named `name` in the OpenAPI document. */
export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .meta({ description: 'Pass as `cursor` for the next page; null on the last page', example: null }),
    })
    .meta({ id: name });
