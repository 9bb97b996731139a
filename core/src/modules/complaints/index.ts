import { definePlugin } from '../../kernel/plugin.ts';

/** Complaints: a thread per order between the customer and staff or the owning vendor. */
export const complaintsModule = definePlugin({
  name: '@cartwright/core/complaints',
  version: '0.1.0',
  register() {},
});
