/**
 * Test helpers for `@cartwright/plugin-webpush`: a local push service that checks the VAPID token,
 * decrypts each push with the subscribing "browser's" keys and can answer 404/410/429/5xx on request,
 * and the browser-side crypto it uses (RFC 8291 decryption, RFC 8292 token check). Node built-ins only.
 */
export { startLocalPushService, type LocalPushService, type LocalSubscription, type ReceivedPush } from './local-push-service.ts';
export { decryptPush, generateBrowserKeys, verifyVapid, type BrowserKeys, type VapidClaims } from './push-crypto.ts';
