import { definePlugin } from '../../kernel/plugin.ts';
import { AuditEntry } from './audit.entity.ts';
import { AuditLog, type AuditRecordInput } from './audit-log.service.ts';
import { auditRoutes, Pagination } from './audit.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    auditLog: AuditLog;
  }
}

/** The admin audit log: every admin action writes an entry in the transaction of its change. */
export const auditModule = definePlugin({
  name: '@cartwright/core/audit',
  version: '0.1.0',
  register(api) {
    api.entities(AuditEntry);
    api.service('auditLog', (cradle) => new AuditLog(cradle));
    api.routes('/admin/audit-log', auditRoutes);
  },
});

export { AuditLog, Pagination };
export type { AuditRecordInput };
