import { currencyExponent } from '@cartwright/core';

/** Google Pay's `totalPrice`: 1999 USD → "19.99", 500 JPY → "500", 12345 KWD → "12.345". Exact (no floating point). */
export function formatTotalPrice(amount: number, currencyCode: string): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`amount must be a non-negative integer of minor units; got ${amount}`);
  // core's ISO table, not Intl's CLDR data (they differ for IQD and others): the total must read the order's minor units
  const exponent = currencyExponent(currencyCode.toUpperCase());
  if (exponent === 0) return String(amount);
  const digits = String(amount).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export type CardNetwork = 'AMEX' | 'DISCOVER' | 'ELECTRON' | 'ELO' | 'ELO_DEBIT' | 'INTERAC' | 'JCB' | 'MAESTRO' | 'MASTERCARD' | 'VISA';
export type AuthMethod = 'PAN_ONLY' | 'CRYPTOGRAM_3DS';

/** `tokenizationSpecification` of the CARD payment method. */
export type TokenizationSpecification =
  | { type: 'PAYMENT_GATEWAY'; parameters: Record<string, string> }
  | { type: 'DIRECT'; parameters: { protocolVersion: 'ECv2'; publicKey: string } };

/** What the request is built from: the store's merchant settings. */
export interface PaymentDataRequestSettings {
  environment: 'TEST' | 'PRODUCTION';
  merchantId?: string | undefined;
  merchantName: string;
  allowedCardNetworks: CardNetwork[];
  allowedAuthMethods: AuthMethod[];
  tokenizationSpecification: TokenizationSpecification;
}

/** The order being paid. */
export interface PaymentDataRequestOrder {
  amount: number;
  currencyCode: string;
  countryCode: string;
}

/**
 * Google Pay's `PaymentDataRequest` (API version 2.0) for one order: the storefront hands it to
 * `PaymentsClient.loadPaymentData` as is. The total is FINAL: it is the amount the server charges.
 */
export function buildPaymentDataRequest(settings: PaymentDataRequestSettings, order: PaymentDataRequestOrder) {
  return {
    apiVersion: 2 as const,
    apiVersionMinor: 0 as const,
    allowedPaymentMethods: [
      {
        type: 'CARD' as const,
        parameters: { allowedAuthMethods: [...settings.allowedAuthMethods], allowedCardNetworks: [...settings.allowedCardNetworks] },
        tokenizationSpecification: settings.tokenizationSpecification,
      },
    ],
    merchantInfo: {
      // TEST needs no merchant id; PRODUCTION refuses a request without the one from the Pay & Wallet Console
      ...(settings.merchantId ? { merchantId: settings.merchantId } : {}),
      merchantName: settings.merchantName,
    },
    transactionInfo: {
      totalPriceStatus: 'FINAL' as const,
      totalPrice: formatTotalPrice(order.amount, order.currencyCode),
      currencyCode: order.currencyCode.toUpperCase(),
      countryCode: order.countryCode.toUpperCase(),
    },
  };
}

export type PaymentDataRequest = ReturnType<typeof buildPaymentDataRequest>;
