import { definePlugin } from '../../kernel/plugin.ts';
import { AdminUserService } from './admin-user.service.ts';
import { adminUserRoutes, roleRoutes } from './admin-users.routes.ts';
import { checkGrants } from './grants.ts';
import { Role, type RoleRecord } from './role.entity.ts';
import { RoleService } from './role.service.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    adminUserService: AdminUserService;
    roleService: RoleService;
  }
}

declare module '../../kernel/events/event-map.ts' {
  interface EventMap {
    /** An admin approved a pending account (a vendor's sign-up). */
    'user.approved': { userId: string; email: string; role: string };
  }
}

/** Account administration (`/admin/users`) and roles (`/admin/roles`); every change is audited. */
export const adminUsersModule = definePlugin({
  name: '@cartwright/core/admin-users',
  version: '0.1.0',
  register(api) {
    api.entities(Role);
    api.service('roleService', (cradle) => new RoleService(cradle));
    api.service('adminUserService', (cradle) => new AdminUserService(cradle));
    api.routes('/admin/users', adminUserRoutes);
    api.routes('/admin/roles', roleRoutes);
  },
});

export { AdminUserService, checkGrants, Role, RoleService };
export type { RoleRecord };
