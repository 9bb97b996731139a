import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { rows, run } from '../../../kernel/db/sql.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import type { TemplateContent } from './default-templates.ts';

/** The store's own templates (admin edits), one row per template key, channel and locale; shipped defaults live in code. */
export interface StoredTemplate extends TemplateContent {
  template: string;
  channel: ChannelKind;
  locale: string;
  updatedAt: Date;
}

interface TemplateRow {
  template: string;
  channel: ChannelKind;
  locale: string;
  subject: string | null;
  html: string | null;
  text: string;
  updated_at: Date | string;
}

const view = (row: TemplateRow): StoredTemplate => ({
  template: row.template,
  channel: row.channel,
  locale: row.locale,
  subject: row.subject,
  html: row.html,
  text: row.text,
  updatedAt: new Date(row.updated_at),
});

export async function storedTemplates(em: EntityManager): Promise<StoredTemplate[]> {
  const found = await rows<TemplateRow>(em, sql`select * from cw_notification_template order by template, channel, locale`);
  return found.map(view);
}

/** The store's templates for one key and channel in any of `locales`. */
export async function storedTemplatesFor(em: EntityManager, template: string, channel: ChannelKind, locales: string[]): Promise<StoredTemplate[]> {
  const found = await rows<TemplateRow>(
    em,
    sql`select * from cw_notification_template where template = ${template} and channel = ${channel} and locale in (${sql.join(locales)})`,
  );
  return found.map(view);
}

export async function saveTemplate(em: EntityManager, template: Omit<StoredTemplate, 'updatedAt'>): Promise<void> {
  await run(
    em,
    sql`insert into cw_notification_template (template, channel, locale, subject, html, text, updated_at)
      values (${template.template}, ${template.channel}, ${template.locale}, ${template.subject}, ${template.html}, ${template.text}, ${new Date()})
      on conflict (template, channel, locale) do update set subject = excluded.subject, html = excluded.html, text = excluded.text, updated_at = excluded.updated_at`,
  );
}

/** Removes the store's version; answers whether there was one. */
export async function deleteTemplate(em: EntityManager, key: { template: string; channel: ChannelKind; locale: string }): Promise<boolean> {
  return (
    (await run(em, sql`delete from cw_notification_template where template = ${key.template} and channel = ${key.channel} and locale = ${key.locale}`)) > 0
  );
}
