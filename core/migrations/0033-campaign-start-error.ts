import { Migration } from '@mikro-orm/migrations';

/**
 * Why a due campaign could not start (its segment names a category deleted since it was
 * scheduled): the campaign goes back to draft with the reason, instead of failing every run unseen.
 */
export class AddCampaignStartError extends Migration {
  override up(): void {
    this.addSql(`alter table cw_campaign add column start_error text null`);
  }

  override down(): void {
    this.addSql(`alter table cw_campaign drop column start_error`);
  }
}
