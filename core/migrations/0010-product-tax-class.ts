import { Migration } from '@mikro-orm/migrations';

/** A product's tax class (`standard`, `reduced`, `zero`…); null: the store's default class. */
export class AddProductTaxClass extends Migration {
  override up(): void {
    this.addSql(`alter table cw_product add column tax_class varchar(64) null check (tax_class ~ '^[a-z0-9][a-z0-9_-]*$')`);
  }

  override down(): void {
    this.addSql(`alter table cw_product drop column tax_class`);
  }
}
