import { sql } from 'kysely';
import { Type } from 'typebox';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import { rows } from '../../kernel/db/sql.ts';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { formatBytes, MediaErrors, MediaViewSchema } from '../media/index.ts';
import { attachToOrder } from './order-attachments.ts';
import { orderCallerOf, orderScope, ORDER_WRITE_ACCESS, requireOrderAccess } from './order-access.ts';
import { OrderParams, StoreOrderQuery } from './order.schemas.ts';
import { OrderErrors } from './orders.errors.ts';

const AttachmentFields = Type.Object(
  {
    purpose: Type.Optional(
      Type.Union([Type.Literal('return'), Type.Literal('complaint')], { default: 'complaint', description: 'What the image is for; `complaint` when absent' }),
    ),
  },
  { additionalProperties: false },
);

function multipart(config: RuntimeConfig['media']) {
  return {
    fileField: 'file',
    maxFileBytes: config.maxUploadBytes,
    fileTooLarge: (max: number, declared: number | undefined) =>
      MediaErrors.MEDIA_TOO_LARGE(
        declared !== undefined
          ? `The upload is ${formatBytes(declared)}; the limit is ${formatBytes(max)} per file`
          : `The file is larger than the limit of ${formatBytes(max)}`,
        { extensions: { limit: max } },
      ),
  };
}

const describeUpload = (config: RuntimeConfig['media']) =>
  `multipart/form-data with one image in \`file\` (at most ${formatBytes(config.maxUploadBytes)}; JPEG, PNG, WebP, GIF or AVIF, ` +
  'recognised by its bytes) and optionally `purpose` (`return` or `complaint`). The answer’s `id` goes in a return’s or a ' +
  'complaint’s `imageIds`; an image is accepted only by returns and complaints of the order it was uploaded for.';

/** `/store/orders/:id/attachments`: the customer (or the guest order's token holder) uploads a picture about the order. */
export function storeOrderAttachmentRoutes(config: RuntimeConfig['media']) {
  return [
    defineRoute({
      method: 'POST',
      path: '/:id/attachments',
      summary: 'Upload an image for a return or a complaint about this order',
      description: `${describeUpload(config)} Same access as the order: its customer, or a guest with the order token.`,
      tags: ['orders'],
      multipart: multipart(config),
      schema: { params: OrderParams, query: StoreOrderQuery, body: AttachmentFields, response: { 201: MediaViewSchema } },
      handler: async ({ actor, headers, params, query, body, files, cradle }) => {
        await requireOrderAccess(cradle.em, params.id, orderCallerOf(actor, headers, query.token));
        const [file] = files;
        const view = await attachToOrder(cradle.em, cradle.mediaService, params.id, { bytes: file!.bytes, filename: file!.filename, purpose: body.purpose ?? 'complaint', actor });
        return reply(201, view);
      },
    }),
  ];
}

/** `/admin/orders/:id/attachments`: staff, or a vendor with lines in the order, upload a picture for a reply. */
export function adminOrderAttachmentRoutes(config: RuntimeConfig['media']) {
  return [
    defineRoute({
      method: 'POST',
      path: '/:id/attachments',
      summary: 'Upload an image for a reply about this order',
      description: `${describeUpload(config)} Staff need \`orders:write\`; a vendor may upload for orders holding its lines.`,
      tags: ['orders', 'admin'],
      access: ORDER_WRITE_ACCESS,
      multipart: multipart(config),
      schema: { params: OrderParams, body: AttachmentFields, response: { 201: MediaViewSchema } },
      handler: async ({ actor, params, body, files, cradle }) => {
        const scope = orderScope(actor, 'write');
        const [order] = await rows(
          cradle.em,
          sql`select 1 as found from cw_order o where o.id = ${params.id}
            ${scope.kind === 'vendor' ? sql`and exists (select 1 from cw_order_line l where l.order_id = o.id and l.vendor_id = ${scope.vendorId})` : sql``}`,
        );
        if (!order) throw OrderErrors.ORDER_NOT_FOUND(`No order ${params.id}`);
        const [file] = files;
        const view = await attachToOrder(cradle.em, cradle.mediaService, params.id, { bytes: file!.bytes, filename: file!.filename, purpose: body.purpose ?? 'complaint', actor });
        return reply(201, view);
      },
    }),
  ];
}
