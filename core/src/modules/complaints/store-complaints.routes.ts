import type { Cradle } from '../../kernel/container.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { orderCallerOf, OrderSchemas, requireOrderAccess } from '../orders/index.ts';
import { authorOf, type ComplaintAccess } from './complaint-access.ts';
import { listComplaints, loadComplaint } from './complaint-views.ts';
import {
  ComplaintNoteBody,
  CustomerMessageBody,
  OpenComplaintBody,
  StoreComplaintListQuery,
  StoreComplaintPage,
  StoreComplaintParams,
  StoreComplaintView,
} from './complaint.schemas.ts';
import { CUSTOMER_REOPEN_DAYS } from './complaint-states.ts';
import { ComplaintErrors } from './complaints.errors.ts';

const { OrderParams, StoreOrderQuery } = OrderSchemas;

const describeAccess =
  'Same access as the order: its customer’s access token, or for a guest order its order token (`X-Order-Token` or `?token=`). ' +
  'Anyone else gets 404 `ORDER_NOT_FOUND`, and a complaint of another order 404 `COMPLAINT_NOT_FOUND`, so ids cannot be probed. ' +
  'Messages are plain text returned exactly as written: escape them when you display them.';

async function customerView(cradle: Cradle, access: ComplaintAccess, complaintId: string): Promise<StoreComplaintView> {
  const view = await loadComplaint(cradle.em, cradle.mediaService, complaintId, { access, audience: 'customer' });
  if (!view) throw ComplaintErrors.COMPLAINT_NOT_FOUND(`No complaint ${complaintId} on this order`);
  return view;
}

/** `/store/orders/:id/complaints`: the order's customer opens complaints and writes in their threads. */
export const storeComplaintRoutes = [
  defineRoute({
    method: 'GET',
    path: '/:id/complaints',
    summary: 'The order’s complaints, newest first',
    description: describeAccess,
    tags: ['complaints'],
    schema: { params: OrderParams, query: StoreComplaintListQuery, response: { 200: StoreComplaintPage } },
    handler: async ({ actor, headers, params, query, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      return listComplaints(cradle.em, { access: { kind: 'order', orderId: params.id } }, { limit: query.limit ?? 20, offset: query.offset, sort: 'newest' });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/complaints',
    summary: 'Open a complaint about the order, with its first message and images',
    description:
      `${describeAccess} Several complaints per order are allowed, each its own thread. \`category\`: damaged_item, missing_item, ` +
      'wrong_item, late_delivery, quality or other. `lineIds` must be lines of this order (422 `COMPLAINT_LINES_INVALID` naming ' +
      '`/lineIds/<i>`); a complaint whose lines all belong to one vendor is answered by that vendor. `imageIds` are images uploaded ' +
      'with `POST /store/orders/:id/attachments` for this order (422 `ORDER_ATTACHMENT_INVALID` naming `/imageIds/<i>` otherwise).',
    tags: ['complaints'],
    schema: { params: OrderParams, query: StoreOrderQuery, body: OpenComplaintBody, response: { 201: StoreComplaintView } },
    handler: async ({ actor, headers, params, query, body, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      const access: ComplaintAccess = { kind: 'order', orderId: params.id };
      const id = await cradle.complaintService.open(params.id, body, authorOf(access, actor));
      return reply(201, await customerView(cradle, access, id));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/:id/complaints/:complaintId',
    summary: 'A complaint with its thread (staff’s internal notes left out)',
    description: describeAccess,
    tags: ['complaints'],
    schema: { params: StoreComplaintParams, query: StoreOrderQuery, response: { 200: StoreComplaintView } },
    handler: async ({ actor, headers, params, query, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      return customerView(cradle, { kind: 'order', orderId: params.id }, params.complaintId);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/complaints/:complaintId/messages',
    summary: 'Reply in the complaint’s thread',
    description:
      `${describeAccess} The complaint becomes \`open\` again (waiting on staff). A resolved complaint must be reopened first ` +
      '(409 `COMPLAINT_TRANSITION_INVALID`). `imageIds` as when opening.',
    tags: ['complaints'],
    schema: { params: StoreComplaintParams, query: StoreOrderQuery, body: CustomerMessageBody, response: { 201: StoreComplaintView } },
    handler: async ({ actor, headers, params, query, body, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      const access: ComplaintAccess = { kind: 'order', orderId: params.id };
      await cradle.complaintService.postMessage(params.complaintId, access, authorOf(access, actor), body);
      return reply(201, await customerView(cradle, access, params.complaintId));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/complaints/:complaintId/resolve',
    summary: 'Close the complaint as settled',
    description: `${describeAccess} \`note\`, when given, is posted to the thread first. 409 \`COMPLAINT_TRANSITION_INVALID\` when already resolved.`,
    tags: ['complaints'],
    schema: { params: StoreComplaintParams, query: StoreOrderQuery, body: ComplaintNoteBody, response: { 200: StoreComplaintView } },
    handler: async ({ actor, headers, params, query, body, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      const access: ComplaintAccess = { kind: 'order', orderId: params.id };
      await cradle.complaintService.resolve(params.complaintId, access, authorOf(access, actor), body.note);
      return customerView(cradle, access, params.complaintId);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/:id/complaints/:complaintId/reopen',
    summary: 'Reopen a resolved complaint',
    description:
      `${describeAccess} Within ${CUSTOMER_REOPEN_DAYS} days of its resolution (\`reopenableUntil\`); after that 409 ` +
      '`COMPLAINT_REOPEN_WINDOW_CLOSED`. 409 `COMPLAINT_TRANSITION_INVALID` when it is not resolved. `note` is posted to the thread.',
    tags: ['complaints'],
    schema: { params: StoreComplaintParams, query: StoreOrderQuery, body: ComplaintNoteBody, response: { 200: StoreComplaintView } },
    handler: async ({ actor, headers, params, query, body, cradle }) => {
      await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
      const access: ComplaintAccess = { kind: 'order', orderId: params.id };
      await cradle.complaintService.reopen(params.complaintId, access, authorOf(access, actor), body.note);
      return customerView(cradle, access, params.complaintId);
    },
  }),
];
