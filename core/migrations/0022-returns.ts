import { Migration } from '@mikro-orm/migrations';

export class CreateReturns extends Migration {
  override up(): void {}

  override down(): void {}
}
