// Child process for the cross-process stream test: a second store on the same PostgreSQL database
// sends one in-app message through its own channel, reports it, and exits.
import { createCommerce } from '@cartwright/core';

const [userId, subject] = process.argv.slice(2);
const commerce = await createCommerce({ logging: { level: 'silent' }, database: { url: process.env.INBOX_DATABASE_URL!, autoMigrate: false }, jobs: { enabled: false } });
try {
  const channel = await commerce.container.cradle.notificationChannels.find('in_app');
  const result = await channel!.send({
    id: `msg_child_${process.pid}`,
    idempotencyKey: `child_${process.pid}`,
    to: { userId: userId! },
    subject: subject!,
    text: 'written by another process',
    category: 'orders',
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await commerce.stop();
}
