import { Migration } from '@cartwright/core';

export class CreateEasyPostShipmentKeys extends Migration {
  override up(): void {
    // the EasyPost shipment each idempotency key buys its label on, recorded before buying
    this.addSql(`create table easypost_shipment_key (
      carrier_id varchar(50) not null,
      idempotency_key varchar(255) not null,
      shipment_id varchar(64) not null,
      created_at timestamptz not null,
      primary key (carrier_id, idempotency_key)
    )`);
  }

  override down(): void {
    this.addSql('drop table easypost_shipment_key');
  }
}
