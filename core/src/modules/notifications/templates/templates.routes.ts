import type { Static } from 'typebox';
import type { Cradle } from '../../../kernel/container.ts';
import { defineRoute } from '../../../kernel/http/route.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import { NotificationRuleErrors } from '../notifications-rules.errors.ts';
import { DEFAULT_TEMPLATES, defaultTemplate, type TemplateContent } from './default-templates.ts';
import { checkTemplate, variableSchemaOf, variableWarnings } from './template-checks.ts';
import { canonicalLocale, TemplateRenderer } from './template-renderer.ts';
import { deleteTemplate, saveTemplate, storedTemplates, storedTemplatesFor } from './template-store.ts';
import { CAMPAIGN_TEMPLATE_PREFIX, SAMPLE_DATA, TEMPLATE_VARIABLES, variablePaths } from './template-variables.ts';
import { PreviewBody, PreviewView, TemplateBody, TemplateKeyList, TemplateList, TemplateParams, TemplateView } from './templates.schemas.ts';

const tags = ['notifications'];
const access = { permission: 'settings:write' } as const;

type Params = Static<typeof TemplateParams>;

/** Campaign content is stored as templates but belongs to its campaign (`/admin/notifications/campaigns`): not listed or edited here. */
function refuseCampaignKey(template: string): void {
  if (template.startsWith(CAMPAIGN_TEMPLATE_PREFIX)) {
    throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_UNKNOWN(`"${template}" is a campaign's content; edit it through /admin/notifications/campaigns`);
  }
}

function keyOf(params: Params) {
  refuseCampaignKey(params.template);
  return { template: params.template, channel: params.channel as ChannelKind, locale: canonicalLocale(params.locale) };
}

/**
 * Renders `content` with the sample data (merged with `data`) and answers it with every warning a
 * merchant should see: variables the message does not have, variables left without a value, an SMS
 * over one message or outside GSM-7. The view and the preview answer the same list.
 */
function renderWithWarnings(cradle: Cradle, template: string, channel: ChannelKind, locale: string, content: TemplateContent, data: Record<string, unknown> = {}) {
  const unknown = variableWarnings(template, content);
  const rendered = new TemplateRenderer(cradle).renderContent(content, channel, locale, mergeData(SAMPLE_DATA as Record<string, unknown>, data));
  return { rendered, warnings: [...unknown, ...rendered.warnings] };
}

async function templateView(cradle: Cradle, params: Params): Promise<Static<typeof TemplateView>> {
  const key = keyOf(params);
  const variables = variablePaths(variableSchemaOf(key.template));
  const [own] = await storedTemplatesFor(cradle.em, key.template, key.channel, [key.locale]);
  const shipped = defaultTemplate(key.template, key.channel, key.locale) ?? null;
  const content = own ?? shipped;
  if (!content) throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_MISSING(`No ${key.channel} template "${key.template}" in ${key.locale}`);
  return {
    ...key,
    source: own ? 'store' : 'default',
    hasDefault: shipped !== null,
    updatedAt: own ? own.updatedAt.toISOString() : null,
    subject: content.subject,
    html: content.html,
    text: content.text,
    default: shipped,
    variables,
    warnings: renderWithWarnings(cradle, key.template, key.channel, key.locale, content).warnings,
  };
}

/** Objects merge key by key (so `{ recipient: { name } }` keeps the sample's other fields); anything else replaces. */
function mergeData(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(over)) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
    const current = merged[name];
    const bothObjects = [current, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    merged[name] = bothObjects ? mergeData(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return merged;
}

/** `/admin/notifications/templates`: the shipped templates and the store's own, edited, reset and previewed. */
export const templateRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'Every template: the shipped defaults and the store’s own versions, marked by `source`',
    tags,
    access,
    schema: { response: { 200: TemplateList } },
    handler: async ({ cradle }) => {
      const own = (await storedTemplates(cradle.em)).filter((row) => !row.template.startsWith(CAMPAIGN_TEMPLATE_PREFIX));
      const ownKeys = new Map(own.map((row) => [`${row.template}|${row.channel}|${row.locale}`, row]));
      const keys = [...new Set([...DEFAULT_TEMPLATES.keys(), ...ownKeys.keys()])].sort();
      return {
        items: keys.map((k) => {
          const [template, channel, locale] = k.split('|') as [string, ChannelKind, string];
          const row = ownKeys.get(k);
          return { template, channel, locale, source: row ? ('store' as const) : ('default' as const), hasDefault: DEFAULT_TEMPLATES.has(k as never), updatedAt: row?.updatedAt.toISOString() ?? null };
        }),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/keys',
    summary: 'The template keys and the variables each may use',
    tags,
    access,
    schema: { response: { 200: TemplateKeyList } },
    handler: () => ({ items: Object.entries(TEMPLATE_VARIABLES).map(([template, schema]) => ({ template, variables: variablePaths(schema) })) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/preview',
    audit: false,
    summary: 'Render a template (saved, or a draft) with sample data, answering the warnings',
    description:
      'Renders the template the store would send in `locale` (with the same fallback as delivery), or `draft` when given (checked as a ' +
      'save is: 422 `NOTIFICATION_TEMPLATE_SYNTAX`, `NOTIFICATION_TEMPLATE_VARIABLE_UNKNOWN` or `NOTIFICATION_TEMPLATE_FIELD_INVALID` naming the field), ' +
      'with the sample data merged with `data`. Warnings: a variable without a value, an SMS over 160 GSM-7 characters, an SMS with ' +
      'characters outside GSM-7 (sent as UCS-2, 70 per message).',
    tags,
    access,
    schema: { body: PreviewBody, response: { 200: PreviewView } },
    handler: async ({ body, cradle }) => {
      refuseCampaignKey(body.template);
      variableSchemaOf(body.template);
      const channel = body.channel as ChannelKind;
      const locale = canonicalLocale(body.locale ?? cradle.config.notifications.defaultLocale);
      let content: TemplateContent;
      let source: 'draft' | 'store' | 'default';
      let usedLocale = locale;
      if (body.draft) {
        checkTemplate(body.template, channel, body.draft);
        content = { subject: body.draft.subject ?? null, html: body.draft.html ?? null, text: body.draft.text };
        source = 'draft';
      } else {
        const resolved = await new TemplateRenderer(cradle).resolve(cradle.em, body.template, channel, locale);
        if (!resolved) throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_MISSING(`No ${channel} template "${body.template}" in ${locale} or a fallback`);
        ({ content, source, locale: usedLocale } = resolved);
      }
      const { rendered, warnings } = renderWithWarnings(cradle, body.template, channel, locale, content, body.data ?? {});
      return { source, locale: usedLocale, subject: rendered.subject ?? null, html: rendered.html ?? null, text: rendered.text, warnings };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:template/:channel/:locale',
    summary: 'One template in one locale, with the shipped default, the variables it may use and its warnings',
    description:
      'The store’s version when there is one (`source: store`), else the shipped one; neither: 404 `NOTIFICATION_TEMPLATE_MISSING`. ' +
      '`warnings` as the preview gives them, rendered with the sample data: a variable the message does not have or that has no value, ' +
      'an SMS over 160 GSM-7 characters or with characters outside GSM-7 (UCS-2, 70 per message), with how many billed messages it takes.',
    tags,
    access,
    schema: { params: TemplateParams, response: { 200: TemplateView } },
    handler: async ({ params, cradle }) => templateView(cradle, params),
  }),
  defineRoute({
    method: 'PUT',
    path: '/:template/:channel/:locale',
    summary: 'Save the store’s version of a template (any locale)',
    description:
      'Email takes `subject`, `html` (the body; the responsive layout wraps it) and `text`; SMS only `text`; in-app and push `text` and ' +
      'an optional `subject` (the title). Refused with 422 naming the field: a field the channel does not use or lacks ' +
      '(`NOTIFICATION_TEMPLATE_FIELD_INVALID`), a tag that does not parse (`NOTIFICATION_TEMPLATE_SYNTAX`), a variable the message does ' +
      'not have (`NOTIFICATION_TEMPLATE_VARIABLE_UNKNOWN`, with `variable`). An unknown key: 404 `NOTIFICATION_TEMPLATE_UNKNOWN`. Audited. ' +
      'Saved but flagged in `warnings` (as GET answers them): an SMS over one message or outside GSM-7, a variable the sample data leaves empty.',
    tags,
    access,
    schema: { params: TemplateParams, body: TemplateBody, response: { 200: TemplateView } },
    handler: async ({ params, body, cradle }) => {
      const key = keyOf(params);
      checkTemplate(key.template, key.channel, body);
      const content = { subject: body.subject || null, html: body.html || null, text: body.text };
      const [before] = await storedTemplatesFor(cradle.em, key.template, key.channel, [key.locale]);
      await cradle.em.transactional(async (tx) => {
        await saveTemplate(tx, { ...key, ...content });
        cradle.auditLog.record(tx, {
          action: 'notification_template.saved',
          target: { type: 'notification_template', id: `${key.template}:${key.channel}:${key.locale}`.slice(0, 64) },
          before: before ? { subject: before.subject, html: before.html, text: before.text } : null,
          after: content,
        });
      });
      return templateView(cradle, params);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:template/:channel/:locale',
    summary: 'Remove the store’s version: the shipped default (or the next locale) is used again',
    description: 'No store version: 404 `NOTIFICATION_TEMPLATE_MISSING`. Audited.',
    tags,
    access,
    schema: { params: TemplateParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      const key = keyOf(params);
      const [before] = await storedTemplatesFor(cradle.em, key.template, key.channel, [key.locale]);
      if (!before) throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_MISSING(`The store has no own ${key.channel} template "${key.template}" in ${key.locale}`);
      await cradle.em.transactional(async (tx) => {
        await deleteTemplate(tx, key);
        cradle.auditLog.record(tx, {
          action: 'notification_template.reset',
          target: { type: 'notification_template', id: `${key.template}:${key.channel}:${key.locale}`.slice(0, 64) },
          before: { subject: before.subject, html: before.html, text: before.text },
          after: null,
        });
      });
    },
  }),
];
