import { Migration } from '@mikro-orm/migrations';

export class CreateOrderAttachments extends Migration {
  override up(): void {}

  override down(): void {}
}
