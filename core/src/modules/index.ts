import type { PluginInstance } from '../kernel/plugin.ts';
import { catalogModule } from './catalog/index.ts';
import { inventoryModule } from './inventory/index.ts';
import { purchasingModule } from './purchasing/index.ts';
import { cartsModule } from './carts/index.ts';
import { shippingModule } from './shipping/index.ts';
import { ordersModule } from './orders/index.ts';
import { checkoutModule } from './checkout/index.ts';
import { paymentsModule } from './payments/index.ts';
import { usersModule } from './users/index.ts';
import { authModule } from './auth/index.ts';
import { addressesModule } from './addresses/index.ts';
import { mediaModule } from './media/index.ts';
import { taxonomyModule } from './taxonomy/index.ts';
import { auditModule } from './audit/index.ts';
import { adminUsersModule } from './admin-users/index.ts';
import { apiKeysModule } from './api-keys/index.ts';
import { wishlistModule } from './wishlist/index.ts';
import { invoicesModule } from './invoices/index.ts';
import { returnsModule } from './returns/index.ts';
import { complaintsModule } from './complaints/index.ts';
import { notificationsModule } from './notifications/index.ts';
import { webhooksModule } from './webhooks/index.ts';
import { searchModule } from './search/index.ts';

/**
 * Core domain modules, loaded before any plugin, in this order. Each is a folder under
 * `modules/<name>/` whose `index.ts` exports a module descriptor built with `definePlugin`.
 */
export const coreModules: PluginInstance<any>[] = [usersModule(), authModule(), auditModule(), adminUsersModule(), apiKeysModule(), addressesModule(), taxonomyModule(), mediaModule(), catalogModule(), inventoryModule(), purchasingModule(), wishlistModule(), cartsModule(), shippingModule(), ordersModule(), paymentsModule(), checkoutModule(), invoicesModule(), returnsModule(), complaintsModule(), notificationsModule(), searchModule(), webhooksModule()];
