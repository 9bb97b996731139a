import { definePlugin } from '../../kernel/plugin.ts';
import { ApiKey, type ApiKeyRecord } from './api-key.entity.ts';
import { ApiKeyService } from './api-key.service.ts';
import { apiKeyRoutes } from './api-keys.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    apiKeyService: ApiKeyService;
  }
}

/** API keys for server-to-server integrations (`Authorization: Bearer ck_…`), managed at /admin/api-keys. */
export const apiKeysModule = definePlugin({
  name: '@cartwright/core/api-keys',
  version: '0.1.0',
  register(api) {
    api.entities(ApiKey);
    api.service('apiKeyService', (cradle) => new ApiKeyService(cradle));
    api.routes('/admin/api-keys', apiKeyRoutes);
  },
});

export { ApiKey, ApiKeyService };
export type { ApiKeyRecord };
