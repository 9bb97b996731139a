import { Migration } from '@mikro-orm/migrations';

export class CreateCarrierShipments extends Migration {
  override up(): void {}

  override down(): void {}
}
