import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { refusedAddress, type TargetPolicy } from './webhook-target.ts';

export interface PostOutcome {
  /** The response status, null when no response came (refused address, network error, timeout). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Resolves like `dns.lookup` but fails for addresses the policy refuses, so a name that resolves
 * to an internal address (or is re-pointed there after the subscription was saved) is never connected to.
 */
function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((a) => refusedAddress(a.address, policy) === undefined);
      if (allowed.length === 0) {
        const reason = addresses.map((a) => refusedAddress(a.address, policy)).find(Boolean) ?? `${hostname} has no address`;
        return callback(Object.assign(new Error(`address refused: ${reason}`), { code: 'EADDRREFUSED' }), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * POSTs `body` and reports the status; never throws. Redirects are not followed (a 3xx is a failed
 * attempt), and the response body is read and dropped so the socket is released.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; policy: TargetPolicy }): Promise<PostOutcome> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): PostOutcome => ({ statusCode, error, durationMs: Math.round(performance.now() - started) });
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.policy),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response: IncomingMessage) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(done(response.statusCode ?? null, null)));
        response.on('error', (error) => resolve(done(response.statusCode ?? null, describe(error, options.timeoutMs))));
      },
    );
    request.on('error', (error) => resolve(done(null, describe(error, options.timeoutMs))));
    request.end(body);
  });
}

function describe(error: Error, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, 2000);
}
