import { KernelErrors } from '../../kernel/errors.ts';
import { definePlugin } from '../../kernel/plugin.ts';
import { User, USER_ROLES, type UserRole } from './user.entity.ts';
import { UserService } from './user.service.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    userService: UserService;
  }
}

/** Accounts. Routes (register, login, profiles) arrive with the identity issue. */
export const usersModule = definePlugin({
  name: '@cartwright/core/users',
  version: '0.1.0',
  register(api) {
    api.entities(User);
    api.service('userService', (cradle) => new UserService(cradle));
    api.seedData('users', async (items, { cradle }) => {
      if (!Array.isArray(items)) throw KernelErrors.UNPROCESSABLE('"users" must be an array of { email, role, password, name? }');
      for (const [index, item] of (items as Array<{ email: string; role: UserRole; name?: string; password?: string }>).entries()) {
        // a generated password would never be shown to anyone, leaving an account nobody can use
        if (typeof item.password !== 'string') throw KernelErrors.UNPROCESSABLE(`users[${index}] (${item.email}) needs a password`);
        if (await cradle.userService.findByEmail(item.email)) continue;
        await cradle.userService.create(item);
      }
    });
  },
});

export { User, USER_ROLES, UserService };
export type { UserRole };
export { UserErrors } from './users.errors.ts';
