import { defineEntity, definePlugin, defineRoute, Migration, newId, p, reply, Type } from '@cartwright/core';

/**
 * The smallest plugin that exercises a realistic write: a validated JSON body becomes one row and
 * one outbox event, written in one transaction. Only the HTTP kernel benchmark loads it.
 */
export const BenchEntry = defineEntity({
  name: 'BenchEntry',
  tableName: 'bench_entry',
  properties: {
    id: p.string().length(64).primary(),
    sku: p.string().length(32),
    quantity: p.integer(),
    note: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

class CreateBenchEntries extends Migration {
  override up(): void {
    this.addSql(
      'create table bench_entry (id varchar(64) primary key, sku varchar(32) not null, quantity integer not null, note varchar(200) null, created_at timestamptz not null)',
    );
  }
}

declare module '@cartwright/core' {
  interface EventMap {
    'bench.entry-recorded': { entryId: string; sku: string; quantity: number };
  }
}

export const benchPlugin = definePlugin({
  name: '@cartwright/bench-plugin',
  version: '0.0.0',
  register(api) {
    api.entities(BenchEntry);
    api.migrations({ name: 'bench/0001-create-entries', class: CreateBenchEntries });
    api.routes('/bench', [
      defineRoute({
        method: 'POST',
        path: '/entries',
        summary: 'Record an entry (one row and one outbox event, in one transaction)',
        schema: {
          body: Type.Object({
            sku: Type.String({ pattern: '^[A-Z0-9-]{3,32}$' }),
            quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
            note: Type.Optional(Type.String({ maxLength: 200 })),
          }),
          response: { 201: Type.Object({ id: Type.String() }) },
        },
        handler: async ({ body, cradle }) => {
          const entry = await cradle.em.transactional(async (em) => {
            const created = em.create(BenchEntry, { id: newId('bent'), sku: body.sku, quantity: body.quantity, note: body.note ?? null, createdAt: new Date() });
            cradle.events.emit(em, 'bench.entry-recorded', { entryId: created.id, sku: created.sku, quantity: created.quantity });
            await em.flush();
            return created;
          });
          return reply(201, { id: entry.id });
        },
      }),
    ]);
  },
});
