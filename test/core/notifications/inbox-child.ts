// Child process for the cross-process stream test: a second store on the same PostgreSQL database
// sends one in-app message per subject through its own channel, in order, reports the results, and exits.
import { createCommerce } from '@cartwright/core';

const [userId, ...subjects] = process.argv.slice(2);
const commerce = await createCommerce({ logging: { level: 'silent' }, database: { url: process.env.INBOX_DATABASE_URL!, autoMigrate: false }, jobs: { enabled: false } });
try {
  const channel = await commerce.container.cradle.notificationChannels.find('in_app');
  const results = [];
  for (const [index, subject] of subjects.entries()) {
    results.push(
      await channel!.send({
        id: `msg_child_${process.pid}_${index}`,
        idempotencyKey: `child_${process.pid}_${index}`,
        to: { userId: userId! },
        subject,
        text: 'written by another process',
        category: 'orders',
      }),
    );
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  await commerce.stop();
}
