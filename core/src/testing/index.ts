/**
 * Test helpers for Cartwright stores and plugins: a started store on a database of its own and an
 * HTTP client. Use them with any test runner.
 */
export { createTestStore, type TestStore, type TestStoreOptions } from './test-store.ts';
export { createTestDatabase, type TestDatabase } from './test-database.ts';
export { TestClient, type TestResponse, type RequestOptions, type UploadPart } from './http-client.ts';
export { eventually } from './eventually.ts';
export {
  describeMediaStorageConformance,
  type MediaStorageUnderTest,
  type FetchedMedia,
  type ConformanceRunner,
  type ConformanceOptions,
} from './media-storage-conformance.ts';
export { runPaymentProviderConformance, type PaymentProviderUnderTest, type PaymentProviderCapabilities, type PaymentProviderConformanceOptions } from './payment-provider-conformance.ts';
export { runShippingCarrierConformance, type ShippingCarrierUnderTest, type ShippingCarrierConformanceOptions } from './carrier-conformance.ts';
export { runNotificationChannelConformance, type NotificationChannelUnderTest, type NotificationChannelConformanceOptions, type ReceivedMessage } from './notification-channel-conformance.ts';
export { runSearchProviderConformance, type SearchProviderConformanceOptions } from './search-provider-conformance.ts';
export { runTaxCalculatorConformance, type TaxCalculatorUnderTest, type TaxCalculatorConformanceOptions } from './tax-calculator-conformance.ts';
