/** The audit trail's API objects. */
import { z } from 'zod';
import { pageOf, timestamp } from '../schemas.ts';

export const AUDIT_OUTCOMES = ['success', 'denied', 'refused'] as const;

export const AuditOutcomeSchema = z.enum(AUDIT_OUTCOMES).meta({
  description: 'success: the change was made; denied: refused for lack of permission (403); refused: a login refused',
  example: 'success',
});

export const AuditEntrySchema = z
  .object({
    id: z.string().uuid().meta({ description: 'Entry id', example: '019a8a47-9000-7000-9000-000000000009' }),
    org_id: z.string().meta({ description: 'Organisation', example: 'acme' }),
    actor: z
      .string()
      .meta({ description: 'Who did it (token subject; "anonymous" for an unreadable token)', example: 'alice' }),
    action: z.string().meta({ description: 'What was done', example: 'version.publish' }),
    target_type: z.string().meta({ description: 'Kind of thing acted on', example: 'skill_version' }),
    target_id: z
      .string()
      .nullable()
      .meta({ description: 'What was acted on', example: '019a8a47-8000-7000-9000-000000000001' }),
    outcome: AuditOutcomeSchema,
    request_id: z
      .string()
      .nullable()
      .meta({ description: 'The request (x-request-id)', example: '0f6c2b1e-7f0e-4f5b' }),
    data: z.record(z.string(), z.unknown()).meta({ description: 'Details; never a secret value or a token' }),
    created_at: timestamp('When it happened'),
  })
  .meta({ id: 'AuditEntry' });

export type AuditEntryDto = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = pageOf(AuditEntrySchema, 'AuditPage');
