import { Migration } from '@mikro-orm/migrations';

export class CreateShippingZones extends Migration {
  override up(): void {}

  override down(): void {}
}
