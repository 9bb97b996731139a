import { Type } from 'typebox';
import { defineRoute } from '../../kernel/http/route.ts';
import type { AuditEntryRecord } from './audit.entity.ts';

export const Pagination = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

const Snapshot = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]);

export const AuditEntryView = Type.Object({
  id: Type.String(),
  actor: Type.Object({ kind: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  before: Snapshot,
  after: Snapshot,
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

function toView(entry: AuditEntryRecord) {
  return {
    id: entry.id,
    actor: { kind: entry.actorKind, id: entry.actorId ?? null },
    action: entry.action,
    target: { type: entry.targetType, id: entry.targetId ?? null },
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: entry.requestId ?? null,
    ip: entry.ip ?? null,
    createdAt: entry.createdAt.toISOString(),
  };
}

export const auditRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The admin audit log, newest first',
    tags: ['admin'],
    access: { permission: 'audit:read' },
    schema: {
      query: Type.Object({
        action: Type.Optional(Type.String({ maxLength: 100 })),
        actorId: Type.Optional(Type.String({ maxLength: 64 })),
        targetId: Type.Optional(Type.String({ maxLength: 64 })),
        requestId: Type.Optional(Type.String({ maxLength: 128, description: 'The entries of one request (its `X-Request-Id`)' })),
        from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this instant' })),
        to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this instant' })),
        ...Pagination,
      }),
      response: { 200: Type.Object({ items: Type.Array(AuditEntryView), count: Type.Integer() }) },
    },
    handler: async ({ query, cradle }) => {
      const { items, count } = await cradle.auditLog.list({
        ...(query.action ? { action: query.action } : {}),
        ...(query.actorId ? { actorId: query.actorId } : {}),
        ...(query.targetId ? { targetId: query.targetId } : {}),
        ...(query.requestId ? { requestId: query.requestId } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
      });
      return { items: items.map(toView), count };
    },
  }),
];
