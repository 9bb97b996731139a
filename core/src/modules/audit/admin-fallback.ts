import type { AdminActionReport } from '../../kernel/http/route.ts';
import type { AuditRecordInput } from './audit-log.service.ts';

/** Body fields whose values never reach the audit log, at any depth. */
const SENSITIVE_KEY = /secret|password|token|key|card|cvc/i;

export const REDACTED = '[redacted]';

/** A copy of a JSON value with the value of every sensitive key replaced by `[redacted]`. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SENSITIVE_KEY.test(key) ? REDACTED : redactSecrets(inner)]));
}

/**
 * The generic entry of an admin write whose handler recorded none: named by the route's declared
 * action or its method and pattern, aimed at the route's area (`/admin/<area>/…`) and the record
 * the `id` parameter or the response names, with what was asked for as `after`.
 */
export function fallbackEntry(report: AdminActionReport): AuditRecordInput {
  const area = report.routePath.split('/')[2] || 'admin';
  const responseId = (report.responseBody as { id?: unknown } | null | undefined)?.id;
  const targetId = report.params.id ?? (typeof responseId === 'string' ? responseId : null);
  const body = report.jsonBody ? (report.body === undefined ? null : redactSecrets(report.body)) : { contentType: report.contentType ?? null };
  return {
    action: (report.declaredAction ?? `${report.method} ${report.routePath}`).slice(0, 100),
    target: { type: area.slice(0, 50), id: targetId === null ? null : targetId.slice(0, 64) },
    before: null,
    after: { params: report.params, body, status: report.status },
  };
}
