import type { EntityManager } from '@mikro-orm/sql';
import type { EventBus } from '../../kernel/events/event-bus.ts';
import { newId } from '../../kernel/ids.ts';
import { Address, type AddressRecord } from './address.entity.ts';
import { requireValidAddress, type NormalisedAddress } from './address-rules.ts';
import type { CreateAddressBody, UpdateAddressBody } from './address.schema.ts';
import { AddressErrors } from './addresses.errors.ts';

/**
 * How many addresses one account may keep. A real customer has a handful; the cap bounds what one
 * account can store and keeps "load the whole book" (which the default rules do) cheap. Fixed, not
 * configuration: no merchant has asked to change it.
 */
export const MAX_ADDRESSES_PER_USER = 50;

const POSTAL_FIELDS = ['firstName', 'lastName', 'company', 'line1', 'line2', 'city', 'region', 'postalCode', 'countryCode', 'phone'] as const;

type DefaultKind = 'isDefaultShipping' | 'isDefaultBilling';
const DEFAULT_KINDS: readonly DefaultKind[] = ['isDefaultShipping', 'isDefaultBilling'];

const blankToNull = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

/**
 * Customers' address books: the one place their rules live. Every change locks the owner's book
 * (their account row) for the length of its transaction, so concurrent requests of one customer
 * take turns and "one default of each kind" and the size cap hold; a partial unique index backs
 * the first rule in the database.
 */
export class AddressService {
  readonly #em: EntityManager;
  readonly #events: EventBus;

  constructor({ em, events }: { em: EntityManager; events: EventBus }) {
    this.#em = em;
    this.#events = events;
  }

  /** The user's addresses: the defaults first, then the most recently updated. */
  async list(userId: string, page: { limit: number; offset: number }): Promise<{ items: AddressRecord[]; count: number }> {
    const [items, count] = await this.#em.findAndCount(
      Address,
      { userId },
      {
        orderBy: [{ isDefaultShipping: 'desc' }, { isDefaultBilling: 'desc' }, { updatedAt: 'desc' }, { id: 'desc' }],
        limit: page.limit,
        offset: page.offset,
      },
    );
    return { items, count };
  }

  /** Adds an address. The first one becomes both defaults unless the request says otherwise. */
  async create(userId: string, input: CreateAddressBody): Promise<AddressRecord> {
    const postal = requireValidAddress(input);
    return this.#em.transactional(async (em) => {
      const book = await this.#lockBook(em, userId);
      if (book.length >= MAX_ADDRESSES_PER_USER) {
        throw AddressErrors.ADDRESS_LIMIT_REACHED(`An address book holds at most ${MAX_ADDRESSES_PER_USER} addresses; delete one first`, {
          extensions: { limit: MAX_ADDRESSES_PER_USER },
        });
      }
      const makeDefault = {
        isDefaultShipping: input.isDefaultShipping ?? book.length === 0,
        isDefaultBilling: input.isDefaultBilling ?? book.length === 0,
      };
      await this.#takeDefaultsFromOthers(em, book, undefined, makeDefault);
      const now = new Date();
      const address = em.create(Address, {
        id: newId('addr'),
        userId,
        label: blankToNull(input.label),
        ...postal,
        ...makeDefault,
        createdAt: now,
        updatedAt: now,
      });
      this.#events.emit(em, 'address.created', {
        addressId: address.id,
        userId,
        countryCode: address.countryCode,
        isDefaultShipping: address.isDefaultShipping,
        isDefaultBilling: address.isDefaultBilling,
      });
      await em.flush();
      return address;
    });
  }

  /**
   * Changes the fields sent and checks the merged address as a whole. `isDefault…: true` moves that
   * default here; `false` on the current default leaves the user without one of that kind.
   */
  async update(userId: string, addressId: string, patch: UpdateAddressBody): Promise<AddressRecord> {
    return this.#em.transactional(async (em) => {
      const book = await this.#lockBook(em, userId);
      const address = this.#owned(book, addressId);
      const merged = Object.fromEntries(POSTAL_FIELDS.map((field) => [field, patch[field] !== undefined ? patch[field] : address[field]]));
      const postal = requireValidAddress(merged as unknown as NormalisedAddress);
      const changed: string[] = [];
      const changes: Partial<AddressRecord> = {};
      for (const field of POSTAL_FIELDS) {
        if (postal[field] !== address[field]) {
          (changes as Record<string, unknown>)[field] = postal[field];
          changed.push(field);
        }
      }
      if (patch.label !== undefined && blankToNull(patch.label) !== address.label) {
        changes.label = blankToNull(patch.label);
        changed.push('label');
      }
      const takeDefault = { isDefaultShipping: false, isDefaultBilling: false };
      for (const kind of DEFAULT_KINDS) {
        if (patch[kind] === undefined || patch[kind] === address[kind]) continue;
        changes[kind] = patch[kind];
        takeDefault[kind] = patch[kind];
        changed.push(kind);
      }
      if (!changed.length) return address;
      // the previous default gives up its flag before this one takes it: the unique index checks every statement
      await this.#takeDefaultsFromOthers(em, book, address.id, takeDefault);
      em.assign(address, { ...changes, updatedAt: new Date() });
      this.#events.emit(em, 'address.updated', { addressId: address.id, userId, fields: changed });
      await em.flush();
      return address;
    });
  }

  /** Deletes an address; a default it held passes to the most recently updated address left, if any. */
  async remove(userId: string, addressId: string): Promise<void> {
    await this.#em.transactional(async (em) => {
      const book = await this.#lockBook(em, userId);
      const address = this.#owned(book, addressId);
      em.remove(address);
      this.#events.emit(em, 'address.deleted', { addressId: address.id, userId });
      await em.flush();
      const lost = DEFAULT_KINDS.filter((kind) => address[kind]);
      const heir = book
        .filter((a) => a.id !== address.id)
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? 1 : -1))[0];
      if (!heir || !lost.length) return;
      for (const kind of lost) heir[kind] = true;
      // the heir's own content did not change, so its updatedAt stays
      this.#events.emit(em, 'address.updated', { addressId: heir.id, userId, fields: lost });
      await em.flush();
    });
  }

  /** Locks the user's book until the transaction ends (concurrent writers of the same book queue here), then loads it. */
  async #lockBook(em: EntityManager, userId: string): Promise<AddressRecord[]> {
    // the account row stands for the book, so an empty book can be locked too; NO KEY UPDATE leaves
    // inserts elsewhere that reference the account (sessions, tokens) unblocked
    await em.execute('select id from cw_user where id = ? for no key update', [userId]);
    // refresh: what was read before the lock was taken may be stale
    return em.find(Address, { userId }, { orderBy: { id: 'asc' }, refresh: true });
  }

  #owned(book: AddressRecord[], addressId: string): AddressRecord {
    const address = book.find((a) => a.id === addressId);
    // another customer's address answers exactly like a missing one: its existence is not revealed
    if (!address) throw AddressErrors.ADDRESS_NOT_FOUND(`No address ${addressId} in your address book`);
    return address;
  }

  /** Clears the defaults that `except` (or a new address) is about to take, and writes that first. */
  async #takeDefaultsFromOthers(
    em: EntityManager,
    book: AddressRecord[],
    except: string | undefined,
    taking: Record<DefaultKind, boolean>,
  ): Promise<void> {
    let cleared = false;
    for (const other of book) {
      if (other.id === except) continue;
      const lost = DEFAULT_KINDS.filter((kind) => taking[kind] && other[kind]);
      if (!lost.length) continue;
      for (const kind of lost) other[kind] = false;
      this.#events.emit(em, 'address.updated', { addressId: other.id, userId: other.userId, fields: lost });
      cleared = true;
    }
    if (cleared) await em.flush();
  }
}

export function toAddressView(address: AddressRecord) {
  return {
    id: address.id,
    label: address.label ?? null,
    firstName: address.firstName,
    lastName: address.lastName,
    company: address.company ?? null,
    line1: address.line1,
    line2: address.line2 ?? null,
    city: address.city,
    region: address.region ?? null,
    postalCode: address.postalCode,
    countryCode: address.countryCode,
    phone: address.phone ?? null,
    isDefaultShipping: address.isDefaultShipping,
    isDefaultBilling: address.isDefaultBilling,
    createdAt: address.createdAt.toISOString(),
    updatedAt: address.updatedAt.toISOString(),
  };
}
