import type { MigrationDefinition } from '../src/kernel/db/database.ts';
import { KernelOutbox } from './0001-kernel-outbox.ts';
import { CreateUsers } from './0002-users.ts';
import { CreateAuth } from './0003-auth.ts';
import { CreateAddresses } from './0004-addresses.ts';
import { CreateRolesAuditApiKeys } from './0005-roles-audit-api-keys.ts';
import { CreateMedia } from './0006-media.ts';
import { CreateCatalog } from './0007-catalog.ts';
import { CreateInventory } from './0008-inventory.ts';
import { CreatePurchasing } from './0009-purchasing.ts';
import { AddProductTaxClass } from './0010-product-tax-class.ts';
import { CreateStockReservationsAndAlerts } from './0011-stock-reservations-and-alerts.ts';
import { CreateCarts } from './0012-carts.ts';
import { CreateWishlist } from './0013-wishlist.ts';
import { CreateOrders } from './0014-orders.ts';
import { CreatePayments } from './0015-payments.ts';
import { CreateCheckout } from './0016-checkout.ts';
import { CreateFulfillments } from './0018-fulfillments.ts';
import { CreateInvoices } from './0017-invoices.ts';

/** Core's migrations, in the order they run. Plugins' migrations run after these, in config order. */
export const coreMigrations: MigrationDefinition[] = [
  { name: 'core/0001-kernel-outbox', class: KernelOutbox },
  { name: 'core/0002-users', class: CreateUsers },
  { name: 'core/0003-auth', class: CreateAuth },
  { name: 'core/0004-addresses', class: CreateAddresses },
  { name: 'core/0005-roles-audit-api-keys', class: CreateRolesAuditApiKeys },
  { name: 'core/0006-media', class: CreateMedia },
  { name: 'core/0007-catalog', class: CreateCatalog },
  { name: 'core/0008-inventory', class: CreateInventory },
  { name: 'core/0009-purchasing', class: CreatePurchasing },
  { name: 'core/0010-product-tax-class', class: AddProductTaxClass },
  { name: 'core/0011-stock-reservations-and-alerts', class: CreateStockReservationsAndAlerts },
  { name: 'core/0012-carts', class: CreateCarts },
  { name: 'core/0013-wishlist', class: CreateWishlist },
  { name: 'core/0014-orders', class: CreateOrders },
  { name: 'core/0015-payments', class: CreatePayments },
  { name: 'core/0016-checkout', class: CreateCheckout },
  { name: 'core/0018-fulfillments', class: CreateFulfillments },
  { name: 'core/0017-invoices', class: CreateInvoices },
];
