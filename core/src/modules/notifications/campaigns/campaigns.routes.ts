import type { Static } from 'typebox';
import { actorReference, type Actor, type Cradle } from '../../../kernel/container.ts';
import { defineRoute, reply } from '../../../kernel/http/route.ts';
import { canonicalLocale, TemplateRenderer } from '../templates/template-renderer.ts';
import { SAMPLE_DATA } from '../templates/template-variables.ts';
import { campaignTemplate } from './campaign-content.ts';
import type { CampaignAction } from './campaign-lifecycle.ts';
import { campaignView, listCampaigns, listRecipients } from './campaign-records.ts';
import { CampaignErrors } from './campaigns.errors.ts';
import {
  AudienceView,
  CampaignChange,
  CampaignCreate,
  CampaignListQuery,
  CampaignPage,
  CampaignParams,
  CampaignView,
  EmptyBody,
  PreviewBody,
  PreviewView,
  RecipientListQuery,
  RecipientPage,
  ScheduleBody,
} from './campaigns.schemas.ts';

/** Like the delivery log: the campaign's counts and recipients show customers' addresses. */
const READ_ACCESS = { permission: ['settings:write', 'orders:read'] } as const;
const WRITE_ACCESS = { permission: 'settings:write' } as const;
const tags = ['notifications'];

async function viewOf(cradle: Cradle, id: string): Promise<Static<typeof CampaignView>> {
  const view = await campaignView(cradle.em, id);
  if (!view) throw CampaignErrors.NOTIFICATION_CAMPAIGN_NOT_FOUND(`No campaign ${id}`);
  return view;
}

const auditFor =
  (cradle: Cradle) =>
  (tx: Parameters<Cradle['auditLog']['record']>[0], id: string, entry: { action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }) =>
    void cradle.auditLog.record(tx, { ...entry, target: { type: 'notification_campaign', id } });

const byWhom = (actor: Actor) => {
  const by = actorReference(actor);
  return `${by.kind}${by.id ? ` ${by.id}` : ''}`;
};

const STATE_RULES = 'Wrong status: 409 `NOTIFICATION_CAMPAIGN_STATE` with the campaign’s `currentStatus`. Audited. Needs `settings:write`.';

function lifecycleRoute(action: Exclude<CampaignAction, 'schedule'>, summary: string) {
  return defineRoute({
    method: 'POST',
    path: `/:id/${action}`,
    summary,
    description: STATE_RULES,
    tags,
    access: WRITE_ACCESS,
    schema: { params: CampaignParams, body: EmptyBody, response: { 200: CampaignView } },
    handler: async ({ params, cradle }) => {
      await cradle.notificationCampaigns.change(cradle.em, params.id, action, auditFor(cradle));
      return viewOf(cradle, params.id);
    },
  });
}

/** `/admin/notifications/campaigns`: promotional email to a segment of consenting customers. */
export const campaignRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'Campaigns, newest first, with their counts',
    description: 'Filter by `status`; `limit` (default 20) and `offset`. Needs `settings:write` or `orders:read`.',
    tags,
    access: READ_ACCESS,
    schema: { query: CampaignListQuery, response: { 200: CampaignPage } },
    handler: ({ query, cradle }) => listCampaigns(cradle.em, { ...(query.status ? { status: query.status } : {}) }, { limit: query.limit ?? 20, offset: query.offset ?? 0 }),
  }),
  defineRoute({
    method: 'POST',
    path: '/',
    summary: 'Create a draft campaign',
    description:
      '`content` per locale (`subject`, `html`, `text`; the store’s default locale is required; variables: `store.name`, `store.url`, ' +
      '`recipient.name`), a `segment` (`{}`: every customer who consented to marketing email) and an optional `ratePerMinute`. ' +
      'Invalid content: the template editor’s 422 codes naming `/content/<locale>/<field>`; an invalid segment: 422 ' +
      '`NOTIFICATION_CAMPAIGN_INVALID` naming the field under `/segment`. Audited. Needs `settings:write`.',
    tags,
    access: WRITE_ACCESS,
    schema: { body: CampaignCreate, response: { 201: CampaignView } },
    handler: async ({ body, actor, cradle }) => {
      const id = await cradle.notificationCampaigns.create(cradle.em, body, byWhom(actor), auditFor(cradle));
      return reply(201, await viewOf(cradle, id));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'One campaign with its content and counts',
    tags,
    access: READ_ACCESS,
    schema: { params: CampaignParams, response: { 200: CampaignView } },
    handler: ({ params, cradle }) => viewOf(cradle, params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/:id',
    summary: 'Change a draft campaign',
    description: 'Only drafts (unschedule a scheduled one first). `content` replaces every locale. Checked as on create. ' + STATE_RULES,
    tags,
    access: WRITE_ACCESS,
    schema: { params: CampaignParams, body: CampaignChange, response: { 200: CampaignView } },
    handler: async ({ params, body, cradle }) => {
      await cradle.notificationCampaigns.update(cradle.em, params.id, body, auditFor(cradle));
      return viewOf(cradle, params.id);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a draft campaign and its content',
    description: STATE_RULES,
    tags,
    access: WRITE_ACCESS,
    schema: { params: CampaignParams, response: { 204: null } },
    handler: async ({ params, cradle }) => {
      await cradle.notificationCampaigns.remove(cradle.em, params.id, auditFor(cradle));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/schedule',
    summary: 'Schedule a draft for `sendAt` (default: now)',
    description: 'At `sendAt` the dispatcher fixes the audience and starts sending at the campaign’s rate. ' + STATE_RULES,
    tags,
    access: WRITE_ACCESS,
    schema: { params: CampaignParams, body: ScheduleBody, response: { 200: CampaignView } },
    handler: async ({ params, body, cradle }) => {
      const sendAt = body.sendAt ? new Date(body.sendAt) : undefined;
      await cradle.notificationCampaigns.change(cradle.em, params.id, 'schedule', auditFor(cradle), sendAt);
      return viewOf(cradle, params.id);
    },
  }),
  lifecycleRoute('pause', 'Stop handing out new batches (a scheduled or sending campaign)'),
  lifecycleRoute('resume', 'Continue a paused campaign where it stopped (or wait for its time again if it never started)'),
  lifecycleRoute('cancel', 'Cancel a campaign that is not sent: recipients still pending are cancelled'),
  lifecycleRoute('unschedule', 'Back from scheduled to draft, to edit it'),
  defineRoute({
    method: 'GET',
    path: '/:id/audience',
    summary: 'Who the segment selects now: the count and the first 20 addresses',
    description: 'For checking a segment before scheduling; the audience is fixed only when sending starts. Needs `settings:write` or `orders:read`.',
    tags,
    access: READ_ACCESS,
    schema: { params: CampaignParams, response: { 200: AudienceView } },
    handler: ({ params, cradle }) => cradle.notificationCampaigns.audience(cradle.em, params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/preview',
    audit: false,
    summary: 'Render the campaign email with sample data',
    description: 'In `locale` (default: the store’s default locale), falling back as delivery does. Needs `settings:write` or `orders:read`.',
    tags,
    access: READ_ACCESS,
    schema: { params: CampaignParams, body: PreviewBody, response: { 200: PreviewView } },
    handler: async ({ params, body, cradle }) => {
      await viewOf(cradle, params.id);
      const renderer = new TemplateRenderer(cradle);
      const locale = canonicalLocale(body.locale ?? cradle.config.notifications.defaultLocale);
      const resolved = await renderer.resolve(cradle.em, campaignTemplate(params.id), 'email', locale);
      if (!resolved) throw CampaignErrors.NOTIFICATION_CAMPAIGN_INVALID(`Campaign ${params.id} has no content`);
      const rendered = renderer.renderContent(resolved.content, 'email', locale, SAMPLE_DATA as Record<string, unknown>);
      return { locale: resolved.locale, subject: rendered.subject ?? '', html: rendered.html ?? '', text: rendered.text, warnings: rendered.warnings };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id/recipients',
    summary: 'The fixed audience with each recipient’s status and message',
    description: 'Filter by `status` (pending, queued, suppressed, cancelled); `limit` (default 20) and `offset`. Needs `settings:write` or `orders:read`.',
    tags,
    access: READ_ACCESS,
    schema: { params: CampaignParams, query: RecipientListQuery, response: { 200: RecipientPage } },
    handler: async ({ params, query, cradle }) => {
      await viewOf(cradle, params.id);
      return listRecipients(cradle.em, params.id, { ...(query.status ? { status: query.status } : {}) }, { limit: query.limit ?? 20, offset: query.offset ?? 0 });
    },
  }),
];
