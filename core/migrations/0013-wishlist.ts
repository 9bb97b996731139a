import { Migration } from '@mikro-orm/migrations';

/** Customers' wishlists: one row per saved variant. */
export class CreateWishlist extends Migration {
  override up(): void {
    // keyed by (user, variant) so saving a variant twice is a no-op in the database, not only in the service
    this.addSql(`create table cw_wishlist_item (
      user_id varchar(64) not null references cw_user (id) on delete cascade,
      variant_id varchar(64) not null references cw_product_variant (id) on delete cascade,
      created_at timestamptz not null,
      primary key (user_id, variant_id)
    )`);
    // the list is read newest first, page by page
    this.addSql(`create index cw_wishlist_item_user_created_idx on cw_wishlist_item (user_id, created_at desc)`);
    // a purged variant cascades its rows away; without this the cascade scans the whole table
    this.addSql(`create index cw_wishlist_item_variant_idx on cw_wishlist_item (variant_id)`);
  }

  override down(): void {
    this.addSql('drop table cw_wishlist_item');
  }
}
