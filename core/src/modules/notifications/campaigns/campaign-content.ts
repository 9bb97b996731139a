import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { AppError } from '../../../kernel/errors.ts';
import { rows } from '../../../kernel/db/sql.ts';
import { checkTemplate } from '../templates/template-checks.ts';
import { canonicalLocale } from '../templates/template-renderer.ts';
import { deleteTemplate, saveTemplate } from '../templates/template-store.ts';
import { CAMPAIGN_TEMPLATE_PREFIX } from '../templates/template-variables.ts';
import { CampaignErrors } from './campaigns.errors.ts';

export interface LocaleContent {
  subject: string;
  html: string;
  text: string;
}
export type CampaignContent = Record<string, LocaleContent>;

const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i;

export const campaignTemplate = (campaignId: string) => `${CAMPAIGN_TEMPLATE_PREFIX}${campaignId}`;

/**
 * Checks every locale's content as the template editor would (fields, syntax, only the campaign's
 * variables), re-pointing the template errors at `/content/<locale>/<field>`; the store's default
 * locale must be there, since recipients without a locale of their own get it. Answers the content
 * keyed by canonical locale.
 */
export function checkContent(content: CampaignContent, defaultLocale: string): CampaignContent {
  const checked: CampaignContent = {};
  for (const [given, fields] of Object.entries(content)) {
    if (!LOCALE.test(given)) {
      throw CampaignErrors.NOTIFICATION_CAMPAIGN_INVALID(`"${given}" is not a locale`, {
        errors: [{ in: 'body', pointer: `/content/${given}`, rule: 'locale', message: 'must be a BCP 47 locale (en, de-AT)' }],
      });
    }
    try {
      checkTemplate(`${CAMPAIGN_TEMPLATE_PREFIX}check`, 'email', fields);
    } catch (error) {
      if (!(error instanceof AppError) || !error.errors) throw error;
      throw new AppError({
        status: error.status,
        code: error.code,
        message: `content ${given}: ${error.message}`,
        errors: error.errors.map((issue) => ({ ...issue, pointer: `/content/${given}${issue.pointer}` })),
        ...(error.extensions ? { extensions: error.extensions } : {}),
      });
    }
    checked[canonicalLocale(given)] = fields;
  }
  const required = canonicalLocale(defaultLocale);
  if (!checked[required]) {
    throw CampaignErrors.NOTIFICATION_CAMPAIGN_INVALID(`The content needs the store’s default locale ${required}`, {
      errors: [{ in: 'body', pointer: `/content/${required}`, rule: 'required', message: `the default locale ${required} is required` }],
    });
  }
  return checked;
}

/** Stores the content as the campaign's email templates, one per locale, removing locales no longer in it. */
export async function saveContent(tx: EntityManager, campaignId: string, content: CampaignContent): Promise<void> {
  const template = campaignTemplate(campaignId);
  for (const locale of await storedLocales(tx, campaignId)) {
    if (!Object.hasOwn(content, locale)) await deleteTemplate(tx, { template, channel: 'email', locale });
  }
  for (const [locale, fields] of Object.entries(content)) await saveTemplate(tx, { template, channel: 'email', locale, ...fields });
}

export async function deleteContent(tx: EntityManager, campaignId: string): Promise<void> {
  const template = campaignTemplate(campaignId);
  for (const locale of await storedLocales(tx, campaignId)) await deleteTemplate(tx, { template, channel: 'email', locale });
}

async function storedLocales(em: EntityManager, campaignId: string): Promise<string[]> {
  const found = await rows<{ locale: string }>(em, sql`select locale from cw_notification_template where template = ${campaignTemplate(campaignId)} and channel = 'email'`);
  return found.map((row) => row.locale);
}

/** Every campaign's content among `campaignIds`, by campaign and locale. */
export async function loadContent(em: EntityManager, campaignIds: string[]): Promise<Map<string, CampaignContent>> {
  const byCampaign = new Map<string, CampaignContent>(campaignIds.map((id) => [id, {}]));
  if (campaignIds.length === 0) return byCampaign;
  const found = await rows<{ template: string; locale: string; subject: string | null; html: string | null; text: string }>(
    em,
    sql`select template, locale, subject, html, text from cw_notification_template
         where channel = 'email' and template in (${sql.join(campaignIds.map(campaignTemplate))}) order by locale`,
  );
  for (const row of found) {
    byCampaign.get(row.template.slice(CAMPAIGN_TEMPLATE_PREFIX.length))![row.locale] = { subject: row.subject ?? '', html: row.html ?? '', text: row.text };
  }
  return byCampaign;
}
