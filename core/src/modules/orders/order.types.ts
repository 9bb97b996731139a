import type { NormalisedAddress } from '../addresses/address-rules.ts';

export type OrderStatus = 'pending' | 'confirmed' | 'cancelled' | 'completed';
export type PaymentStatus = 'not_paid' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';
export type FulfillmentStatus = 'not_fulfilled' | 'partially_fulfilled' | 'fulfilled' | 'shipped' | 'delivered' | 'returned';

/** One tax on a line, a shipping charge or the order, as the order keeps it. Amounts in minor units. */
export interface OrderTax {
  rateId: string;
  name: string;
  /** Percent as a decimal string (`'19'`). */
  rate: string;
  amount: number;
}

export interface OrderDiscount {
  /** The totals adjuster it came from (`coupons`, `promotions`). */
  source: string;
  label: string;
  amount: number;
}

/** A line as it was bought: never changes after checkout (edits write new lines and a timeline entry). */
export interface OrderLineSnapshot {
  variantId: string;
  productId: string;
  productTitle: string;
  variantTitle: string;
  sku: string;
  options: Record<string, string>;
  vendorId: string | null;
  taxClass: string | null;
  thumbnailUrl: string | null;
  quantity: number;
  unitPrice: number;
  /** `quantity × unitPrice`. */
  subtotal: number;
  discount: number;
  discounts: OrderDiscount[];
  taxes: OrderTax[];
  taxTotal: number;
  /** What the buyer pays for the line. */
  total: number;
}

export interface OrderShippingSnapshot {
  /** The shipping option id. */
  id: string;
  name: string;
  amount: number;
  taxes: OrderTax[];
  taxTotal: number;
  total: number;
}

/** Everything checkout knows when it places an order; the order keeps it as it is. */
export interface OrderSnapshot {
  /** The cart checkout placed it from; null for an order not placed from a cart (an exchange's replacements). */
  cartId: string | null;
  customerId: string | null;
  email: string;
  currencyCode: string;
  pricesIncludeTax: boolean;
  shippingAddress: NormalisedAddress;
  billingAddress: NormalisedAddress;
  lines: OrderLineSnapshot[];
  shipping: OrderShippingSnapshot[];
  discounts: OrderDiscount[];
  /** Per rate, lines and shipping together. */
  taxes: OrderTax[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  /** The payment provider id the buyer chose (`cod`, `stripe`). */
  paymentMethod: string;
}

/** What a timeline entry says; `kind` is a dotted name (`order.placed`, `payment.captured`, `note`, `fulfillment.shipped`). */
export interface TimelineEntryInput {
  kind: string;
  /** One line a person can read (`Payment of 49.00 USD captured by cod`). */
  message: string;
  /** Shown to the customer on their order page; notes between staff are not. */
  visibleToCustomer: boolean;
  data?: Record<string, unknown>;
}
