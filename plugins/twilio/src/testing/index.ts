/**
 * Test helpers for `@cartwright/plugin-twilio`: a local stand-in of Twilio's Messages API that the
 * real SDK talks to (give the plugin its `url` as `apiBaseUrl`), with signed status callbacks.
 */
export { startTwilioStandIn, type TwilioStandIn, type StandInMessage, type StandInRequest, type StandInRefusal, type SignedCallback } from './twilio-stand-in.ts';
