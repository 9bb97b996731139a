import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../container.ts';
import { newId } from '../ids.ts';
import type { DeliveredEvent, EventName, EventPayload } from './event-map.ts';
import { OutboxEvent } from './outbox.entities.ts';

export interface SubscriberContext {
  /** A fresh EntityManager for this delivery (the same one `cradle.em` gives). */
  em: EntityManager;
  /** A container scope of its own for this delivery: resolve services from it. */
  cradle: Cradle;
}

export type EventHandler<N extends string = string> = (event: DeliveredEvent<N>, context: SubscriberContext) => Promise<void> | void;

export interface Subscriber {
  /** Stable id (`<plugin>/<name>`): deliveries are recorded per subscriber id, so renaming one re-delivers nothing. */
  id: string;
  /** The event name, or `*` for a subscriber of every event (`subscribeAll`). */
  event: string;
  handler: EventHandler<any>;
}

/**
 * Records events in the caller's unit of work (the transactional outbox) and keeps the list of
 * subscribers the dispatcher delivers them to. Nothing is delivered before the transaction commits,
 * and an event recorded in a transaction that rolls back never exists.
 */
export class EventBus {
  readonly #subscribers = new Map<string, Subscriber[]>();
  readonly #subscribersOfAll: Array<Subscriber & { accepts: (event: string) => boolean }> = [];

  /** Queues `name` in `em`'s unit of work: it is inserted by the same flush/commit as the change it describes. */
  emit<N extends EventName>(em: EntityManager, name: N, payload: EventPayload<N>): string {
    const id = newId('evt');
    em.persist(em.create(OutboxEvent, { id, name, payload: payload as Record<string, unknown>, occurredAt: new Date() }));
    return id;
  }

  subscribe<N extends EventName>(event: N, id: string, handler: EventHandler<N>): void {
    const list = this.#subscribers.get(event) ?? [];
    if (this.byId(id)) throw new Error(`Subscriber "${id}" is already registered`);
    list.push({ id, event, handler: handler as EventHandler<any> });
    this.#subscribers.set(event, list);
  }

  /**
   * Subscribes to every event (outgoing webhooks forward whichever an admin picked), or to every
   * event `accepts` says yes to: only those get a delivery row, so events the subscriber would
   * ignore cost nothing. Deliveries are tracked per subscriber as for `subscribe`.
   */
  subscribeAll(id: string, handler: EventHandler, accepts: (event: string) => boolean = () => true): void {
    if (this.byId(id)) throw new Error(`Subscriber "${id}" is already registered`);
    this.#subscribersOfAll.push({ id, event: '*', handler, accepts });
  }

  subscribersOf(event: string): readonly Subscriber[] {
    const named = this.#subscribers.get(event) ?? [];
    const all = this.#subscribersOfAll.filter((s) => s.accepts(event));
    return all.length === 0 ? named : [...named, ...all];
  }

  byId(id: string): Subscriber | undefined {
    for (const list of [...this.#subscribers.values(), this.#subscribersOfAll]) {
      const found = list.find((s) => s.id === id);
      if (found) return found;
    }
    return undefined;
  }
}
