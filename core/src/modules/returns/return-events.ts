import type { EntityManager } from '@mikro-orm/sql';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import type { EventMap, EventPayload } from '../../kernel/events/event-map.ts';
import type { OrderRecord } from '../orders/index.ts';
import type { ReturnKind } from './returns.schemas.ts';

/** What every return event carries: enough for the notifications module to write to the customer and the vendors. */
export interface ReturnEventBase {
  returnId: string;
  orderId: string;
  /** The order number. */
  number: string;
  customerId: string | null;
  email: string;
  /** Vendors owning lines of the return (empty: the store's own goods). */
  vendorIds: string[];
  kind: ReturnKind;
  currencyCode: string;
}

type ReturnEventName = Extract<keyof EventMap, `return.${string}`>;

/** Emits a return event into the caller's transaction (outbox), with the base filled from the order and the return. */
export function emitReturnEvent<N extends ReturnEventName>(
  events: EventBus,
  tx: EntityManager,
  name: N,
  order: OrderRecord,
  ret: { id: string; kind: ReturnKind; vendorIds: string[] },
  detail: Omit<EventMap[N], keyof ReturnEventBase>,
): void {
  const base: ReturnEventBase = {
    returnId: ret.id,
    orderId: order.id,
    number: order.number,
    customerId: order.customerId,
    email: order.email,
    vendorIds: ret.vendorIds,
    kind: ret.kind,
    currencyCode: order.currencyCode,
  };
  events.emit(tx, name, { ...base, ...detail } as unknown as EventPayload<N>);
}
