/**
 * @cartwright/core — the public API for merchants (config) and plugin authors (plugins, routes,
 * hooks, events, jobs). Plugins import only from here, never from internal paths.
 */
export { createCommerce, type Commerce, type StartOptions, type StartedServer } from './kernel/commerce.ts';
export { defineConfig, type CommerceConfigInput, type RuntimeConfig, type PluginReference } from './kernel/config/define-config.ts';
export { ConfigError, validateConfig, type ConfigIssue } from './kernel/config/validate-config.ts';
export { loadConfigFile, findConfigFile, CONFIG_FILE_NAMES } from './kernel/config/load-config.ts';
export {
  definePlugin,
  isPluginInstance,
  type PluginApi,
  type PluginInstance,
  type PluginDefinition,
  type PluginFactory,
  type PluginOptionsInput,
  type AdminExtension,
  type Seeder,
  type SeedContext,
  type SeedDataHandler,
  type ServiceLifetime,
} from './kernel/plugin.ts';
export { PluginError } from './kernel/plugin-registry.ts';
export type { Cradle, Actor, CommerceContainer } from './kernel/container.ts';
export { AppError, defineErrorCodes, KernelErrors, problemType, registeredErrorCodes, type AppErrorOptions, type FieldIssue } from './kernel/errors.ts';
export { defineRoute, reply, type RouteDefinition, type RouteRequest, type RouteSchema, type HttpMethod } from './kernel/http/route.ts';
export type { EventMap, EventName, EventPayload, DeliveredEvent } from './kernel/events/event-map.ts';
export type { EventHandler, SubscriberContext } from './kernel/events/event-bus.ts';
export { EventBus } from './kernel/events/event-bus.ts';
export { veto, HookRegistry, type HookMap, type HookFilter, type HookName } from './kernel/events/hooks.ts';
export type { JobHandler, JobOptions, JobContext } from './kernel/jobs/job-scheduler.ts';
export type { Database, MigrationDefinition, EntityDefinition } from './kernel/db/database.ts';
export { newId } from './kernel/ids.ts';
export type { RouteAccess, Authenticator, Credentials } from './kernel/http/access.ts';
export { hasPermission } from './kernel/http/access.ts';
export type { UserService, CreateUserInput, CreatedUser } from './modules/users/user.service.ts';
export type { UserRecord, UserRole } from './modules/users/user.entity.ts';
export type { SessionService, TokenPair, ClientInfo } from './modules/auth/session.service.ts';
export type { NotificationRequest } from './modules/notifications/notification.events.ts';
export { CORE_VERSION } from './kernel/version.ts';
export type { Logger } from './kernel/logger.ts';
/** Migrations are MikroORM migrations: extend this class and list it with `api.migrations()`. */
export { Migration } from '@mikro-orm/migrations';
/** Entities are MikroORM `defineEntity` schemas; re-exported so plugins use core's exact MikroORM version. */
export { defineEntity, p } from '@mikro-orm/core';
export type { EntityManager } from '@mikro-orm/sql';
export { Type, type Static, type TSchema } from 'typebox';
export { MediaStorageError, MediaViewSchema, MediaService, type MediaStorage, type MediaFile, type StoredRendition, type ImageFormat, type MediaView, type MediaRow, type MediaPurpose, type UploadInput } from './modules/media/index.ts';
/** Totals and tax: what a promotions, shipping or tax plugin builds on (see docs/plugins/totals-and-tax.md). */
export {
  computeTotals,
  RuleBasedTaxCalculator,
  type TaxCalculator,
  type TaxRequest,
  type TaxedItem,
  type TaxableItem,
  type TaxAmount,
  type TaxAddress,
  type Totals,
  type TotalsInput,
  type TotalsAdjuster,
  type TotalsAdjustment,
  type TotalsState,
  type LineDiscount,
  type OrderDiscount,
  type ShippingCharge,
} from './modules/totals/index.ts';
export type { CartForTotals } from './modules/carts/index.ts';
export type { VariantAvailability, VariantAvailabilitySource } from './modules/catalog/index.ts';
export { loadVariantsForSale, type VariantForSale } from './modules/catalog/index.ts';
/** The payment services plugins reach through the cradle (`cradle.paymentService`, `cradle.paymentProviders`). */
export type { PaymentService, PaymentProviderRegistry } from './modules/payments/index.ts';
/** Money: the ISO 4217 exponent of a currency (the number of minor-unit digits), as core counts amounts. */
export { currencyExponent } from './modules/money/index.ts';
/** Orders: who may see an order (its customer, or a guest with the order token), for plugin routes about an order. */
export { orderCallerOf, requireOrderAccess, type OrderCaller } from './modules/orders/index.ts';
/** Payments: the interface a payment method implements (see docs/plugins/payments.md). */
export {
  PaymentWebhookError,
  type PaymentProvider,
  type PaymentContext,
  type InitiateRequest,
  type ProviderCallContext,
  type ReferenceRequest,
  type AmountRequest,
  type ProviderResult,
  type ProviderPaymentStatus,
  type WebhookRequest,
  type WebhookOutcome,
  type PaymentDispute,
} from './modules/payments/payment-provider.ts';
/** Shipping carriers: the interface a carrier plugin implements (see docs/plugins/carriers.md), and the registry in the cradle (`cradle.shippingCarriers`). */
export type { ShippingCarrierRegistry } from './modules/shipping/index.ts';
export { CarrierErrors } from './modules/shipping/carriers/index.ts';
export type {
  ShippingCarrier,
  CarrierCapabilities,
  CarrierAddress,
  Parcel,
  CarrierRateRequest,
  CarrierRate,
  CreateShipmentRequest,
  CarrierShipment,
  TrackingStatus,
  TrackingEvent,
  TrackingReport,
} from './modules/shipping/index.ts';
/** Notification channels: the interface an email, SMS or push plugin implements (see docs/plugins/notification-channels.md), and the registry in the cradle (`cradle.notificationChannels`). */
export type { NotificationChannelRegistry } from './modules/notifications/index.ts';
export type { SearchProviderRegistry } from './modules/search/index.ts';
export type * from './modules/search/search-provider.ts';
export { parseSearchText, formatSearchText, foldText, wordsOf, skuKey, MAX_QUERY_LENGTH, type SearchTerm } from './modules/search/index.ts';
export type { NotificationChannel, ChannelKind, ChannelCapabilities, OutgoingMessage, MessageRecipient, SendResult, DeliveryStatus, DeliveryReport } from './modules/notifications/index.ts';
