import type { PluginApi } from '../../../kernel/plugin.ts';
import { TemplateRenderer } from './template-renderer.ts';
import { templateRoutes } from './templates.routes.ts';

/** Templates per event, channel and locale: shipped defaults, admin edits, previews, rendering that escapes. */
export function registerTemplates(api: PluginApi): void {
  api.service('notificationTemplates', (cradle) => new TemplateRenderer(cradle), { lifetime: 'singleton' });
  api.routes('/admin/notifications/templates', templateRoutes);
}
