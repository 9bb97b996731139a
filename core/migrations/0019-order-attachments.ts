import { Migration } from '@mikro-orm/migrations';

/**
 * Images uploaded about an order (a damaged parcel for a return or a complaint). Which order an
 * image belongs to is what lets a return or a complaint accept it: an id alone proves nothing.
 */
export class CreateOrderAttachments extends Migration {
  override up(): void {
    this.addSql(`alter table cw_media drop constraint cw_media_purpose_check`);
    this.addSql(`alter table cw_media add constraint cw_media_purpose_check check (purpose in ('product', 'avatar', 'complaint', 'return', 'brand', 'other'))`);
    this.addSql(`create table cw_order_attachment (
      media_id varchar(64) primary key references cw_media (id) on delete cascade,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      actor_kind varchar(20) not null,
      actor_id varchar(64) null,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_order_attachment_order_idx on cw_order_attachment (order_id, created_at)`);
  }

  override down(): void {
    this.addSql(`drop table cw_order_attachment`);
    this.addSql(`alter table cw_media drop constraint cw_media_purpose_check`);
    this.addSql(`alter table cw_media add constraint cw_media_purpose_check check (purpose in ('product', 'avatar', 'complaint', 'brand', 'other'))`);
  }
}
