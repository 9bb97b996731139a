import { Type, type Static } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const OrderInvoiceParams = Type.Object({ id: Id });
export const InvoiceParams = Type.Object({ id: Id });
export const StoreInvoiceQuery = Type.Object({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A guest order token (the link in the order email)' })) });

export const InvoiceView = Type.Object({
  id: Id,
  orderId: Id,
  kind: Type.Unsafe<'invoice' | 'credit_note'>({ type: 'string', enum: ['invoice', 'credit_note'] }),
  number: Type.String({ description: '`INV-000001` or `CN-000001`' }),
  invoiceId: Nullable(Id),
  amount: Type.Object({ amount: Type.Integer({ description: 'Minor units' }), currencyCode: Type.String() }),
  refundTransactionId: Nullable(Id),
  issuedAt: Type.String({ format: 'date-time' }),
  pdfUrl: Type.String({ description: 'Admin path of the PDF' }),
});
export type InvoiceView = Static<typeof InvoiceView>;

export const InvoiceList = Type.Object({ items: Type.Array(InvoiceView) });
