import { CONFIG_OPTION, parseCommandArgs, requireOption } from './args.ts';
import type { UserRole } from '../../modules/users/index.ts';
import type { Command } from './command.ts';
import { ensureSchema, loadStoreConfig, withStore } from './open-store.ts';

const options = {
  ...CONFIG_OPTION,
  email: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  password: { type: 'string' },
} as const;

export const userCreateCommand: Command = {
  name: 'user:create',
  summary: 'Create an account (admin, staff, customer or vendor)',
  help: `Usage: cartwright user:create --email <email> --role <admin|staff|customer|vendor> [--name <name>] [--password <password>] [--config <path>]

Creates an account. Without --password a strong password is generated and printed once: store
it then, it cannot be shown again. Prefer that to --password, which stays in your shell history.

Options:
  --email <email>        The account's email address (required)
  --role <role>          admin, staff, customer or vendor (required)
  --name <name>          Display name
  --password <password>  At least 10 characters, not containing the email's name
  -c, --config <path>    Config file (default: cartwright.config.{ts,mts,js,mjs,json} in the current directory)
  -h, --help             Show this help`,
  async run(args, context) {
    const { values } = parseCommandArgs(args, options);
    const email = requireOption(values.email, '--email');
    const role = requireOption(values.role, '--role');
    const config = await loadStoreConfig(context, values.config);
    const user = await withStore(config, async (commerce) => {
      await ensureSchema(commerce, context);
      return commerce.withScope((scope) =>
        scope.cradle.userService.create({
          email,
          role: role as UserRole, // the service checks it and names the valid roles
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.password !== undefined ? { password: values.password } : {}),
        }),
      );
    });
    context.out(`Created ${user.role} account ${user.email} (id ${user.id}, status ${user.status})`);
    if (user.generatedPassword) context.out(`Generated password (shown only once, store it now): ${user.generatedPassword}`);
    return 0;
  },
};
