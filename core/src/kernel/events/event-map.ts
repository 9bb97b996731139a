/**
 * Every event name and its payload type, declared once. Modules and plugins add theirs by
 * interface merging:
 *
 * ```ts
 * declare module '@cartwright/core' {
 *   interface EventMap { 'wishlist.item_added': { customerId: string; variantId: string } }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}

export type EventName = keyof EventMap extends never ? string : Extract<keyof EventMap, string> | (string & {});

export type EventPayload<N extends string> = N extends keyof EventMap ? EventMap[N] : Record<string, unknown>;

/** What a subscriber receives. */
export interface DeliveredEvent<N extends string = string> {
  id: string;
  name: N;
  payload: EventPayload<N>;
  occurredAt: Date;
  /** Same value on every delivery attempt of this event to this subscriber: store it to stay idempotent. */
  dedupeKey: string;
  attempt: number;
}
