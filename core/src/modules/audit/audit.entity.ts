import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One admin action: who did what to which record, the record before and after, and from which request. */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'cw_audit_log',
  properties: {
    id: p.string().length(64).primary(),
    actorKind: p.string().length(16),
    actorId: p.string().length(64).nullable(),
    action: p.string().length(100),
    targetType: p.string().length(50),
    targetId: p.string().length(64).nullable(),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
    requestId: p.string().length(128).nullable(),
    ip: p.string().length(64).nullable(),
    createdAt: p.datetime(),
  },
});

export type AuditEntryRecord = InferEntity<typeof AuditEntry>;
