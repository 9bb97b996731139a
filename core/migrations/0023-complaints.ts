import { Migration } from '@mikro-orm/migrations';

/**
 * Complaints: a thread per complaint about one order, between its customer and staff or the vendor
 * owning every line the complaint names. The timestamps on the complaint are what response-time
 * reporting reads; they are written by the same statement that adds the message they describe.
 */
export class CreateComplaints extends Migration {
  override up(): void {
    this.addSql(`create table cw_complaint (
      id varchar(64) primary key,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      -- copied from the order when opened: lists and stats filter on them without a join
      customer_id varchar(64) null references cw_user (id) on delete set null,
      -- the vendor owning every named line; null: staff only (no lines, or lines of several vendors or of the house)
      vendor_id varchar(64) null,
      subject varchar(200) not null,
      category varchar(20) not null check (category in ('damaged_item', 'missing_item', 'wrong_item', 'late_delivery', 'quality', 'other')),
      status varchar(20) not null check (status in ('open', 'awaiting_customer', 'resolved')),
      opened_at timestamptz not null,
      first_response_at timestamptz null,
      last_customer_message_at timestamptz not null,
      last_staff_message_at timestamptz null,
      -- since when the customer has been waiting for an answer: set exactly while the complaint is open
      waiting_since timestamptz null,
      resolved_at timestamptz null,
      resolved_by varchar(20) null check (resolved_by in ('customer', 'staff', 'vendor')),
      reopen_count integer not null default 0,
      updated_at timestamptz not null,
      check ((status = 'resolved') = (resolved_at is not null)),
      check ((status = 'open') = (waiting_since is not null))
    )`);
    this.addSql(`create index cw_complaint_order_idx on cw_complaint (order_id, opened_at desc)`);
    this.addSql(`create index cw_complaint_status_idx on cw_complaint (status, waiting_since)`);
    this.addSql(`create index cw_complaint_opened_idx on cw_complaint (opened_at desc, id desc)`);
    this.addSql(`create index cw_complaint_vendor_idx on cw_complaint (vendor_id, opened_at desc) where vendor_id is not null`);
    this.addSql(`create table cw_complaint_line (
      complaint_id varchar(64) not null references cw_complaint (id) on delete cascade,
      order_line_id varchar(64) not null references cw_order_line (id) on delete cascade,
      primary key (complaint_id, order_line_id)
    )`);
    this.addSql(`create table cw_complaint_message (
      id varchar(64) primary key,
      complaint_id varchar(64) not null references cw_complaint (id) on delete cascade,
      author_kind varchar(20) not null check (author_kind in ('customer', 'staff', 'vendor')),
      -- the user or API key that wrote it; null for a guest
      author_id varchar(64) null,
      -- plain text exactly as sent; clients escape it when they display it
      body text not null check (char_length(body) between 1 and 5000),
      -- a note between staff (and the vendor), never shown to the customer
      internal boolean not null default false,
      created_at timestamptz not null
    )`);
    this.addSql(`create index cw_complaint_message_thread_idx on cw_complaint_message (complaint_id, created_at, id)`);
    this.addSql(`create table cw_complaint_message_image (
      message_id varchar(64) not null references cw_complaint_message (id) on delete cascade,
      media_id varchar(64) not null references cw_media (id) on delete cascade,
      position integer not null,
      primary key (message_id, media_id)
    )`);
  }

  override down(): void {
    this.addSql(`drop table cw_complaint_message_image`);
    this.addSql(`drop table cw_complaint_message`);
    this.addSql(`drop table cw_complaint_line`);
    this.addSql(`drop table cw_complaint`);
  }
}
