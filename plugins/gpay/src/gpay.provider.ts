import type { KeyObject } from 'node:crypto';
import type {
  AmountRequest,
  Database,
  EntityManager,
  InitiateRequest,
  PaymentContext,
  PaymentProvider,
  ProviderCallContext,
  ProviderResult,
  ReferenceRequest,
} from '@cartwright/core';
import { cardOf, checkMessageExpiration, decryptSignedMessage, merchantPrivateKey, merchantPublicKeyPoint, type DecryptedMessage } from './ecv2-decrypt.ts';
import { parsePaymentMethodToken, TokenVerificationError, verifyPaymentMethodToken } from './ecv2-verify.ts';
import { GpayErrors } from './errors.ts';
import { RootKeySource, type ResolvedGpayOptions } from './options.ts';
import { buildPaymentDataRequest, type PaymentDataRequest, type PaymentDataRequestSettings, type TokenizationSpecification } from './payment-data-request.ts';

export const GPAY_PROVIDER_ID = 'gpay';

/** What the provider needs from the store. */
export interface GooglePayDependencies {
  database: Database;
  /** The installed provider with this id, looked up when first needed (every plugin has registered by then). */
  findProvider(id: string): Promise<PaymentProvider>;
}

/** Google Pay's `paymentData` (the result of `loadPaymentData`), the part the server reads. */
interface PaymentData {
  paymentMethodData: { type: string; tokenizationData: { type: string; token: string } };
}

const FIELD = '/paymentData/paymentData';

/** The plugin's table, for typed queries. */
interface GpayTables {
  gpay_message: { message_id: string; payment_id: string; expires_at: Date; created_at: Date };
}

function invalidPaymentData(message: string, pointer: string): never {
  throw GpayErrors.GPAY_PAYMENT_DATA_INVALID(message, { errors: [{ in: 'body', pointer, rule: 'googlePay', message }] });
}

function readPaymentData(raw: unknown): PaymentData {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      invalidPaymentData('paymentData is not JSON', FIELD);
    }
  }
  const data = value as Partial<PaymentData> | null;
  const method = data?.paymentMethodData;
  if (!data || typeof data !== 'object' || !method || typeof method !== 'object') invalidPaymentData('paymentData has no paymentMethodData', `${FIELD}/paymentMethodData`);
  if (method.type !== 'CARD') invalidPaymentData(`paymentMethodData.type is ${String(method.type)}; only CARD is accepted`, `${FIELD}/paymentMethodData/type`);
  const tokenization = method.tokenizationData;
  if (!tokenization || typeof tokenization.type !== 'string' || typeof tokenization.token !== 'string' || !tokenization.token) {
    invalidPaymentData('paymentMethodData.tokenizationData has no type or token', `${FIELD}/paymentMethodData/tokenizationData`);
  }
  return data as PaymentData;
}

function tokenProblem(error: TokenVerificationError): never {
  throw GpayErrors.GPAY_TOKEN_INVALID(`The Google Pay token failed the ${error.check} check: ${error.message}`, {
    errors: [{ in: 'body', pointer: `${FIELD}/paymentMethodData/tokenizationData/token`, rule: error.check, message: error.message }],
    extensions: { check: error.check },
  });
}

/**
 * Google Pay. The storefront first gets the `PaymentDataRequest` for the order (as the `clientData`
 * of an attempt started without `paymentData`, or from the store route), runs `loadPaymentData`,
 * and pays with `{ paymentData }`. In gateway mode the gateway token goes to the gateway provider
 * (Stripe); in direct mode the ECv2 token is verified and decrypted here and the card charged
 * through the processor provider. Either way that provider holds the payment: later calls
 * (capture, refund, void, status) go to it with the same reference, and its webhooks and
 * reconciliation reach Google Pay payments (`settledThrough`).
 */
export class GooglePayProvider implements PaymentProvider {
  readonly id = GPAY_PROVIDER_ID;
  readonly name = 'Google Pay';
  readonly settledThrough: string;
  readonly #options: ResolvedGpayOptions;
  readonly #deps: GooglePayDependencies;
  readonly #tokenization: TokenizationSpecification;
  readonly #privateKey: KeyObject | undefined;
  readonly #rootKeys: RootKeySource | undefined;
  #settler: PaymentProvider | undefined;

  /** `settler`: the gateway (or processor) provider when it is already known; otherwise looked up on first use. */
  constructor(options: ResolvedGpayOptions, deps: GooglePayDependencies, settler?: PaymentProvider) {
    this.#options = options;
    this.#deps = deps;
    this.settledThrough = options.mode === 'gateway' ? options.gateway : options.processor;
    this.#settler = settler?.id === this.settledThrough ? settler : undefined;
    if (options.mode === 'direct') {
      this.#privateKey = merchantPrivateKey(options.privateKey!);
      this.#rootKeys = new RootKeySource(options);
      this.#tokenization = { type: 'DIRECT', parameters: { protocolVersion: 'ECv2', publicKey: merchantPublicKeyPoint(this.#privateKey) } };
    } else {
      this.#tokenization = {
        type: 'PAYMENT_GATEWAY',
        parameters: options.stripe
          ? { gateway: 'stripe', 'stripe:version': options.stripe.version, 'stripe:publishableKey': options.stripe.publishableKey }
          : { gateway: options.gateway, gatewayMerchantId: options.gatewayMerchantId! },
      };
    }
  }

  /** As the provider that holds the payments does (Stripe's manual capture captures on shipment). */
  get capturesOnShipment(): boolean | undefined {
    return this.#settler?.capturesOnShipment;
  }

  retryAfter(): number | null {
    return this.#settler?.retryAfter?.() ?? null;
  }

  availability(context: PaymentContext): { available: true; fee: number } | { available: false; reason: string } {
    // the gateway's own limits (currencies, amounts) apply once it is known; the sheet itself takes any amount
    return this.#settler?.availability(context) ?? { available: true, fee: 0 };
  }

  /** The `PaymentDataRequest` for an order of `amount` minor units of `currencyCode`. */
  paymentDataRequest(order: { amount: number; currencyCode: string }): PaymentDataRequest {
    const settings: PaymentDataRequestSettings = {
      environment: this.#options.environment,
      merchantId: this.#options.merchantId,
      merchantName: this.#options.merchantName,
      allowedCardNetworks: this.#options.allowedCardNetworks,
      allowedAuthMethods: this.#options.allowedAuthMethods,
      tokenizationSpecification: this.#tokenization,
    };
    return buildPaymentDataRequest(settings, { ...order, countryCode: this.#options.countryCode });
  }

  async initiate(request: InitiateRequest, context?: ProviderCallContext): Promise<ProviderResult> {
    const raw = request.data.paymentData;
    if (raw === undefined || raw === null) {
      return {
        status: 'requires_action',
        reference: null,
        amountAuthorized: 0,
        amountCaptured: 0,
        amountRefunded: 0,
        clientData: { paymentDataRequest: this.paymentDataRequest(request) },
        rawStatus: 'awaiting_payment_data',
      };
    }
    const { tokenizationData } = readPaymentData(raw).paymentMethodData;
    if (this.#options.mode === 'gateway') {
      if (tokenizationData.type !== 'PAYMENT_GATEWAY') invalidPaymentData(`tokenizationData.type is ${tokenizationData.type}; this store takes PAYMENT_GATEWAY tokens`, `${FIELD}/paymentMethodData/tokenizationData/type`);
      const paymentMethodToken = gatewayTokenId(tokenizationData.token);
      return (await this.#settlement()).initiate({ ...request, data: { paymentMethodToken } });
    }
    if (tokenizationData.type !== 'DIRECT') invalidPaymentData(`tokenizationData.type is ${tokenizationData.type}; this store takes DIRECT tokens`, `${FIELD}/paymentMethodData/tokenizationData/type`);
    const message = this.#open(tokenizationData.token);
    const card = (() => {
      try {
        return cardOf(message);
      } catch (error) {
        if (error instanceof TokenVerificationError) tokenProblem(error);
        throw error;
      }
    })();
    await this.#spend(message, request.paymentId, context?.em);
    return (await this.#settlement()).initiate({ ...request, data: { card } });
  }

  async authorize(request: ReferenceRequest): Promise<ProviderResult> {
    return (await this.#settlement()).authorize(request);
  }

  async capture(request: AmountRequest): Promise<ProviderResult> {
    return (await this.#settlement()).capture(request);
  }

  async refund(request: AmountRequest & { reason: string }): Promise<ProviderResult> {
    return (await this.#settlement()).refund(request);
  }

  async void(request: ReferenceRequest): Promise<ProviderResult> {
    return (await this.#settlement()).void(request);
  }

  async status(request: ReferenceRequest): Promise<ProviderResult> {
    return (await this.#settlement()).status(request);
  }

  async #settlement(): Promise<PaymentProvider> {
    this.#settler ??= await this.#deps.findProvider(this.settledThrough);
    return this.#settler;
  }

  /** Verifies and decrypts a DIRECT token; a token that fails a check is the client's: 422 naming the check. */
  #open(token: string): DecryptedMessage {
    try {
      const parsed = parsePaymentMethodToken(token);
      const signedMessage = verifyPaymentMethodToken(parsed, {
        rootSigningKeys: this.#rootKeys!.keys(),
        recipientId: this.#options.recipientId ?? `merchant:${this.#options.merchantId}`,
      });
      const message = decryptSignedMessage(signedMessage, this.#privateKey!);
      checkMessageExpiration(message);
      return message;
    } catch (error) {
      if (error instanceof TokenVerificationError) tokenProblem(error);
      throw error;
    }
  }

  /**
   * Records the message id until the message expires, refusing one already spent on another
   * payment; the same payment may present it again (core retries a start with the same key).
   */
  async #spend(message: DecryptedMessage, paymentId: string, em: EntityManager | undefined): Promise<void> {
    const db = (em ?? this.#deps.database.fork()).getKysely<GpayTables>();
    const now = new Date();
    // expired ids cannot be replayed anyway: their message fails the expiration check first
    await db.deleteFrom('gpay_message').where('expires_at', '<', now).execute();
    const stored = await db
      .insertInto('gpay_message')
      .values({ message_id: message.messageId, payment_id: paymentId, expires_at: new Date(Number(message.messageExpiration)), created_at: now })
      // a no-op update, so the row that holds the id comes back whether it is new or not
      .onConflict((conflict) => conflict.column('message_id').doUpdateSet((row) => ({ message_id: row.ref('excluded.message_id') })))
      .returning('payment_id')
      .executeTakeFirst();
    if (stored?.payment_id !== paymentId) {
      throw GpayErrors.GPAY_TOKEN_REPLAYED(`Google Pay message ${message.messageId} was already used for another payment: ask the shopper to pay again`, {
        errors: [{ in: 'body', pointer: `${FIELD}/paymentMethodData/tokenizationData/token`, rule: 'messageId', message: 'already used' }],
        extensions: { check: 'messageId' },
      });
    }
  }
}

/** A gateway token: Stripe's is JSON whose `id` is the card token (`tok_…`); another gateway's is passed as it is. */
function gatewayTokenId(token: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch {
    return token;
  }
  const id = (parsed as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !id) invalidPaymentData('tokenizationData.token has no id', `${FIELD}/paymentMethodData/tokenizationData/token`);
  return id;
}
