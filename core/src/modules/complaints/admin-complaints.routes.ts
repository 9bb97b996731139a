import type { Actor, Cradle } from '../../kernel/container.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { ORDER_READ_ACCESS, ORDER_WRITE_ACCESS } from '../orders/index.ts';
import { adminComplaintAccess, authorOf, type ComplaintAccess } from './complaint-access.ts';
import { complaintStats, listComplaints, loadComplaint } from './complaint-views.ts';
import {
  AdminComplaintListQuery,
  AdminComplaintPage,
  AdminComplaintParams,
  AdminComplaintView,
  ComplaintNoteBody,
  ComplaintStatsQuery,
  ComplaintStatsView,
  StaffMessageBody,
} from './complaint.schemas.ts';
import { ComplaintErrors } from './complaints.errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const describeScope =
  'Staff need `orders:read` to read and `orders:write` to write. A vendor (`vendor:portal`) reaches only complaints whose lines are ' +
  'all its own; any other complaint is 404 `COMPLAINT_NOT_FOUND` to it. Complaints without lines, or about several vendors’ lines, are staff only.';

async function staffView(cradle: Cradle, access: ComplaintAccess, complaintId: string): Promise<AdminComplaintView> {
  const view = await loadComplaint(cradle.em, cradle.mediaService, complaintId, { access, audience: 'staff' });
  if (!view) throw ComplaintErrors.COMPLAINT_NOT_FOUND(`No complaint ${complaintId}`);
  return view;
}

/** For writes: the access and the author (staff, or the vendor in its own scope). */
function writer(actor: Actor) {
  const access = adminComplaintAccess(actor, 'write');
  return { access, author: authorOf(access, actor) };
}

/** `/admin/complaints`: the queue of complaints, their threads, resolutions and response times. */
export const adminComplaintRoutes = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'List complaints with filters',
    description:
      'Filters: `status`, `category`, `vendorId`, `orderId`, `customerId`, `from`/`to` (opened, `to` exclusive). `sort`: `newest` ' +
      '(default), `oldest`, or `waiting` (the customer who has waited longest for an answer first; complaints nobody waits on last). ' +
      `Pages with \`limit\` (≤ 100) and \`offset\`; \`count\` is every match. ${describeScope}`,
    tags: ['complaints'],
    access: ORDER_READ_ACCESS,
    schema: { query: AdminComplaintListQuery, response: { 200: AdminComplaintPage } },
    handler: async ({ actor, query, cradle }) => {
      const { limit, offset, sort, ...filter } = query;
      return listComplaints(cradle.em, { ...filter, access: adminComplaintAccess(actor, 'read') }, { limit: limit ?? 20, offset, sort: sort ?? 'newest' });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/stats',
    summary: 'Complaint counts and response times over a date range',
    description:
      'Over complaints opened in [`from`, `to`) (default: the 30 days before now): counts by current status (`unanswered`: not ' +
      'resolved and never answered), time to first response (first staff or vendor reply) and time to resolution, each as count, ' +
      'average, median and 90th percentile in whole seconds (percentiles interpolate; null when there is nothing to measure). ' +
      `\`to\` before \`from\`: 422 \`COMPLAINT_RANGE_INVALID\`. A vendor sees its own complaints’ figures. ${describeScope}`,
    tags: ['complaints'],
    access: ORDER_READ_ACCESS,
    schema: { query: ComplaintStatsQuery, response: { 200: ComplaintStatsView } },
    handler: async ({ actor, query, cradle }) => {
      const access = adminComplaintAccess(actor, 'read');
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
      if (from.getTime() >= to.getTime()) {
        throw ComplaintErrors.COMPLAINT_RANGE_INVALID(`The range ends (${to.toISOString()}) before it starts (${from.toISOString()})`, {
          errors: [{ in: 'query', pointer: '/to', rule: 'after', message: 'must be later than from' }],
        });
      }
      const stats = await complaintStats(cradle.em, { access, from, to, vendorId: query.vendorId });
      return { from: from.toISOString(), to: to.toISOString(), vendorId: access.kind === 'vendor' ? access.vendorId : (query.vendorId ?? null), ...stats };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id',
    summary: 'A complaint with its whole thread, internal notes included',
    description: describeScope,
    tags: ['complaints'],
    access: ORDER_READ_ACCESS,
    schema: { params: AdminComplaintParams, response: { 200: AdminComplaintView } },
    handler: async ({ actor, params, cradle }) => staffView(cradle, adminComplaintAccess(actor, 'read'), params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/messages',
    summary: 'Reply to the customer, or add an internal note',
    description:
      'A reply moves the complaint to `awaiting_customer` and, the first time, sets `firstResponseAt`. `internal: true` posts a note ' +
      'only staff and the vendor see; it changes no status and raises no event. A resolved complaint takes only internal notes ' +
      '(409 `COMPLAINT_TRANSITION_INVALID`). `imageIds`: images uploaded with `POST /admin/orders/:id/attachments` for the ' +
      `complaint’s order (422 \`ORDER_ATTACHMENT_INVALID\` naming \`/imageIds/<i>\` otherwise). ${describeScope}`,
    tags: ['complaints'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: AdminComplaintParams, body: StaffMessageBody, response: { 201: AdminComplaintView } },
    handler: async ({ actor, params, body, cradle }) => {
      const { access, author } = writer(actor);
      await cradle.complaintService.postMessage(params.id, access, author, body);
      return reply(201, await staffView(cradle, access, params.id));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/resolve',
    summary: 'Resolve the complaint, optionally with a closing message to the customer',
    description: `\`note\` is posted to the thread first (as a reply). 409 \`COMPLAINT_TRANSITION_INVALID\` when already resolved. ${describeScope}`,
    tags: ['complaints'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: AdminComplaintParams, body: ComplaintNoteBody, response: { 200: AdminComplaintView } },
    handler: async ({ actor, params, body, cradle }) => {
      const { access, author } = writer(actor);
      await cradle.complaintService.resolve(params.id, access, author, body.note);
      return staffView(cradle, access, params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/reopen',
    summary: 'Reopen a resolved complaint',
    description: `Staff and the owning vendor may reopen at any time; it becomes \`open\` (waiting on staff). 409 \`COMPLAINT_TRANSITION_INVALID\` when not resolved. ${describeScope}`,
    tags: ['complaints'],
    access: ORDER_WRITE_ACCESS,
    schema: { params: AdminComplaintParams, body: ComplaintNoteBody, response: { 200: AdminComplaintView } },
    handler: async ({ actor, params, body, cradle }) => {
      const { access, author } = writer(actor);
      await cradle.complaintService.reopen(params.id, access, author, body.note);
      return staffView(cradle, access, params.id);
    },
  }),
];
