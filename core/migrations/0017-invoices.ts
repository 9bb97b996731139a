import { Migration } from '@mikro-orm/migrations';

/**
 * Invoices and credit notes: one invoice per order, one credit note per refund. Each keeps the
 * document exactly as it was printed (`data`), so a reprint is the same document even after the
 * order, the store's details or a product changes. Numbers come from a counter row per kind that is
 * locked while a document is written, so they are gapless (a rolled-back issue leaves no hole).
 */
export class CreateInvoices extends Migration {
  override up(): void {
    this.addSql(`create table cw_invoice_counter (
      kind varchar(12) primary key check (kind in ('invoice', 'credit_note')),
      last_number bigint not null check (last_number >= 0)
    )`);
    this.addSql(`insert into cw_invoice_counter (kind, last_number) values ('invoice', 0), ('credit_note', 0)`);
    this.addSql(`create table cw_invoice (
      id varchar(64) primary key,
      order_id varchar(64) not null references cw_order (id) on delete restrict,
      kind varchar(12) not null check (kind in ('invoice', 'credit_note')),
      -- INV-000001, CN-000001: what is printed; sequence is the counter value it came from
      number varchar(32) not null unique,
      sequence bigint not null,
      -- credit notes: the invoice they correct
      invoice_id varchar(64) null references cw_invoice (id) on delete restrict,
      amount bigint not null check (amount >= 0),
      currency_code varchar(3) not null check (currency_code ~ '^[A-Z]{3}$'),
      -- credit notes: the refund (a cw_payment_transaction of kind refund) they document, once each
      refund_transaction_id varchar(64) null unique references cw_payment_transaction (id) on delete restrict,
      issued_at timestamptz not null,
      data jsonb not null,
      unique (kind, sequence),
      check ((kind = 'invoice') = (invoice_id is null))
    )`);
    // one invoice per order, however many requests race to issue it
    this.addSql(`create unique index cw_invoice_order_once on cw_invoice (order_id) where kind = 'invoice'`);
    this.addSql(`create index cw_invoice_order_idx on cw_invoice (order_id, issued_at, id)`);
  }

  override down(): void {
    this.addSql(`drop table cw_invoice`);
    this.addSql(`drop table cw_invoice_counter`);
  }
}
