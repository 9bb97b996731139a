export { startStripeStandIn, type StripeStandIn, type StandInPaymentIntent, type StandInRequest, type SentWebhook, type WebhookSendOptions } from './stripe-stand-in.ts';
export { parseStripeForm, listOf, type FormObject, type FormValue } from './form-encoding.ts';
