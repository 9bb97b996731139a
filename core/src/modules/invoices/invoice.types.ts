/** An invoice or a credit note. */
export type InvoiceKind = 'invoice' | 'credit_note';

/** The seller as printed: the store's name and the legal details in `store` config. */
export interface InvoiceSeller {
  name: string;
  addressLines: string[];
  taxId: string | null;
  email: string | null;
}

export interface InvoiceBuyer {
  name: string;
  company: string | null;
  addressLines: string[];
  email: string;
}

export interface InvoiceLine {
  title: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  /** Minor units of the document's currency. */
  unitPrice: number;
  /** `quantity × unitPrice`, before discounts and (added) tax. */
  lineTotal: number;
}

export interface InvoiceTaxLine {
  name: string;
  /** Percent as a decimal string (`'19'`). */
  rate: string;
  amount: number;
}

/**
 * Everything a document prints, frozen when it is issued (`cw_invoice.data`). The PDF is drawn from
 * this alone, so a reprint years later is the same document. Amounts are minor units of `currencyCode`.
 */
export interface InvoiceDocument {
  kind: InvoiceKind;
  number: string;
  /** ISO timestamp of issue; `issueDate` is the day as printed, in the store's time zone. */
  issuedAt: string;
  issueDate: string;
  currencyCode: string;
  seller: InvoiceSeller;
  buyer: InvoiceBuyer;
  order: { id: string; number: string; placedOn: string };
  pricesIncludeTax: boolean;
  lines: InvoiceLine[];
  discounts: Array<{ label: string; amount: number }>;
  shipping: Array<{ name: string; amount: number }>;
  taxes: InvoiceTaxLine[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  /** Credit notes only: the refund they document. `lines` are the refunded lines, when the refund named them. */
  creditNote?: {
    invoiceNumber: string;
    refundReference: string;
    reason: string | null;
    amount: number;
  };
}

/** A stored invoice or credit note. */
export interface InvoiceRecord {
  id: string;
  orderId: string;
  kind: InvoiceKind;
  number: string;
  /** Credit notes: the invoice they correct. */
  invoiceId: string | null;
  amount: number;
  currencyCode: string;
  /** Credit notes: the refund's payment transaction id. */
  refundTransactionId: string | null;
  issuedAt: Date;
  document: InvoiceDocument;
}
