import { definePlugin } from '../../kernel/plugin.ts';

/** Returns and exchanges of delivered lines: request, approval, return labels, receiving, refunds and exchange orders. */
export const returnsModule = definePlugin({
  name: '@cartwright/core/returns',
  version: '0.1.0',
  register() {},
});
