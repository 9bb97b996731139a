import { Migration } from '@mikro-orm/migrations';

/** Uploaded images: the catalog (product images, brand logos), avatars and complaints reference these rows. */
export class CreateMedia extends Migration {
  override up(): void {
    this.addSql(`create table cw_media (
      id varchar(64) primary key,
      owner_id varchar(64) null references cw_user (id) on delete set null,
      purpose varchar(20) not null check (purpose in ('product', 'avatar', 'complaint', 'brand', 'other')),
      mime_type varchar(100) not null,
      original_filename varchar(255) not null,
      byte_size integer not null check (byte_size >= 0),
      width integer not null check (width > 0),
      height integer not null check (height > 0),
      storage varchar(50) not null,
      storage_key text not null,
      renditions jsonb not null default '[]',
      alt varchar(300) not null default '',
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_media_created_idx on cw_media (created_at desc, id desc)`);
    // vendors list their own uploads
    this.addSql(`create index cw_media_owner_idx on cw_media (owner_id, created_at desc) where owner_id is not null`);
  }

  override down(): void {
    this.addSql('drop table cw_media');
  }
}
