import { Migration } from '@mikro-orm/migrations';

/**
 * Shipments through carriers: the labels bought for fulfillments (one request per fulfillment at a
 * time, its idempotency key written before the carrier is called) and the tracking history of
 * fulfillments whose `carrier` is an installed carrier's id.
 */
export class CreateCarrierShipments extends Migration {
  override up(): void {
    this.addSql(`alter table cw_fulfillment
      add column tracking_status varchar(20) null,
      add column estimated_delivery_at timestamptz null,
      add column tracked_at timestamptz null`);
    this.addSql(`create index cw_fulfillment_tracking_idx on cw_fulfillment (carrier, tracking_number)`);
    this.addSql(`create table cw_shipment (
      id varchar(64) primary key,
      fulfillment_id varchar(64) not null references cw_fulfillment (id) on delete cascade,
      order_id varchar(64) not null references cw_order (id) on delete cascade,
      carrier_id varchar(50) not null,
      service varchar(200) not null,
      request jsonb not null,
      idempotency_key varchar(200) not null unique,
      status varchar(12) not null check (status in ('pending', 'purchased', 'failed', 'cancelled')),
      attempts integer not null default 0,
      failure_reason varchar(1000) null,
      carrier_shipment_id varchar(200) null,
      tracking_number varchar(200) null,
      tracking_url varchar(2000) null,
      label_url varchar(2000) null,
      label_format varchar(8) null,
      cost_amount integer null,
      cost_currency_code varchar(3) null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    // one label (or label request) per fulfillment; a voided one makes room for another
    this.addSql(`create unique index cw_shipment_fulfillment_idx on cw_shipment (fulfillment_id) where status <> 'cancelled'`);
    this.addSql(`create table cw_tracking_event (
      id varchar(64) primary key,
      fulfillment_id varchar(64) not null references cw_fulfillment (id) on delete cascade,
      carrier_event_id varchar(200) not null,
      status varchar(20) not null,
      description varchar(2000) not null,
      location varchar(500) null,
      occurred_at timestamptz not null,
      recorded_at timestamptz not null,
      unique (fulfillment_id, carrier_event_id)
    )`);
    this.addSql(`create index cw_tracking_event_fulfillment_idx on cw_tracking_event (fulfillment_id, occurred_at, id)`);
  }

  override down(): void {
    this.addSql(`drop table cw_tracking_event`);
    this.addSql(`drop table cw_shipment`);
    this.addSql(`drop index cw_fulfillment_tracking_idx`);
    this.addSql(`alter table cw_fulfillment drop column tracking_status, drop column estimated_delivery_at, drop column tracked_at`);
  }
}
