import { definePlugin } from '../../kernel/plugin.ts';
import { PurchasingService } from './purchasing.service.ts';
import { purchaseOrderRoutes, supplierRoutes } from './purchasing.routes.ts';

declare module '../../kernel/container.ts' {
  interface Cradle {
    /** Suppliers and purchase orders; receiving a purchase order adds stock through the inventory ledger. */
    purchasingService: PurchasingService;
  }
}

/** Suppliers and purchase orders: `/admin/inventory/suppliers` and `/admin/inventory/purchase-orders`. */
export const purchasingModule = definePlugin({
  name: '@cartwright/core/purchasing',
  version: '0.1.0',
  register(api) {
    api.service('purchasingService', (cradle) => new PurchasingService(cradle));
    api.routes('/admin/inventory/suppliers', supplierRoutes);
    api.routes('/admin/inventory/purchase-orders', purchaseOrderRoutes);
  },
});

export { PurchasingService };
export type { PurchaseOrderView, PurchaseOrderLineView, PurchaseOrderStatus, PurchaseReceiptView, SupplierView } from './purchasing.service.ts';
export { PurchasingErrors } from './purchasing.errors.ts';
