import { Migration } from '@mikro-orm/migrations';

export class CreateComplaints extends Migration {
  override up(): void {}

  override down(): void {}
}
