import { defineEntity, definePlugin, defineRoute, Migration, newId, p, reply, Type, veto, type DeliveredEvent, type EntityManager } from '@cartwright/core';

/**
 * A plugin used by the kernel tests: it registers one of everything a plugin can register
 * (service, entity + migration, routes, a vetoing filter, a subscriber, a job) so the tests can
 * drive each through real HTTP and a real database.
 */
export const Note = defineEntity({
  name: 'FixtureNote',
  tableName: 'fx_note',
  properties: {
    id: p.string().length(64).primary(),
    text: p.string().length(500),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

class CreateNotes extends Migration {
  override up(): void {
    this.addSql('create table fx_note (id varchar(64) primary key, text varchar(500) not null, created_at timestamptz not null)');
    this.addSql('create table fx_delivery (dedupe_key varchar(300) primary key, event_id varchar(64) not null, attempt integer not null)');
    this.addSql('create table fx_job_run (id serial primary key, note varchar(500) not null)');
  }
}

export class NoteService {
  readonly #em: EntityManager;
  readonly #cradle: { events: import('@cartwright/core').EventBus; hooks: import('@cartwright/core').HookRegistry };
  constructor(cradle: { em: EntityManager; events: import('@cartwright/core').EventBus; hooks: import('@cartwright/core').HookRegistry }) {
    this.#em = cradle.em;
    this.#cradle = cradle;
  }

  /** Creates the note and its `note.created` event in one transaction; `failAfterWrite` rolls both back. */
  async create(text: string, options: { failAfterWrite?: boolean } = {}) {
    const filtered = await this.#cradle.hooks.run('notes.beforeCreate', { text }, { source: 'http' });
    return this.#em.transactional(async (em) => {
      const note = em.create(Note, { id: newId('note'), text: filtered.text, createdAt: new Date() });
      this.#cradle.events.emit(em, 'note.created', { noteId: note.id, text: note.text });
      await em.flush();
      if (options.failAfterWrite) throw new Error('failed after writing');
      return note;
    });
  }

  count() {
    return this.#em.count(Note, {});
  }
}

declare module '@cartwright/core' {
  interface Cradle {
    noteService: NoteService;
  }
  interface EventMap {
    'note.created': { noteId: string; text: string };
  }
  interface HookMap {
    'notes.beforeCreate': { value: { text: string }; context: { source: string } };
  }
}

export interface NotesPluginControls {
  /** How many more deliveries the subscriber fails before it succeeds. */
  failNextDeliveries: number;
  deliveries: Array<DeliveredEvent<'note.created'>>;
  /** What the subscriber's own container scope counted when it ran (proves it can resolve services). */
  notesSeenBySubscriber: number[];
  order: string[];
}

export function createNotesPlugin(controls: NotesPluginControls) {
  return definePlugin({
    name: '@fixtures/plugin-notes',
    version: '1.0.0',
    options: Type.Object(
      {
        prefix: Type.String({ default: '/fixtures' }),
        maxLength: Type.Integer({ minimum: 1, default: 200 }),
      },
      { additionalProperties: false },
    ),
    register(api, options) {
      controls.order.push('@fixtures/plugin-notes');
      api.entities(Note);
      api.migrations({ name: 'fixtures-notes/0001-create', class: CreateNotes });
      api.service('noteService', (cradle) => new NoteService(cradle));
      api.filter('notes.beforeCreate', (value) => {
        if (value.text.includes('forbidden')) veto('Notes may not contain the word "forbidden"');
        return { text: value.text.trim() };
      });
      api.subscribe('note.created', 'record', async (event, { em, cradle }) => {
        if (controls.failNextDeliveries > 0) {
          controls.failNextDeliveries--;
          throw new Error('subscriber is down');
        }
        // idempotent by the dedupe key: a redelivery of the same event writes nothing new
        await em.execute('insert into fx_delivery (dedupe_key, event_id, attempt) values (?, ?, ?) on conflict do nothing', [
          event.dedupeKey,
          event.id,
          event.attempt,
        ]);
        controls.notesSeenBySubscriber.push(await cradle.noteService.count());
        controls.deliveries.push(event);
      });
      api.job<{ note: string }>('fixtures.record-job', async (data, { em }) => {
        await em.execute('insert into fx_job_run (note) values (?)', [data.note]);
      });
      api.routes(`${options.prefix}/notes`, [
        defineRoute({
          method: 'POST',
          path: '/',
          summary: 'Create a note',
          schema: {
            query: Type.Object({ fail: Type.Optional(Type.Boolean()) }),
            body: Type.Object({ text: Type.String({ minLength: 1, maxLength: options.maxLength }), tags: Type.Optional(Type.Array(Type.String())) }),
            response: { 201: Type.Object({ id: Type.String(), text: Type.String() }) },
          },
          handler: async ({ body, query, cradle }) => {
            const note = await cradle.noteService.create(body.text, { failAfterWrite: query.fail === true });
            return reply(201, { id: note.id, text: note.text }, { Location: `${options.prefix}/notes/${note.id}` });
          },
        }),
        defineRoute({
          method: 'GET',
          path: '/',
          summary: 'Count notes',
          schema: {
            query: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), tag: Type.Optional(Type.Array(Type.String())) }),
            response: { 200: Type.Object({ count: Type.Integer(), limit: Type.Integer(), tags: Type.Array(Type.String()) }) },
          },
          handler: async ({ query, cradle }) => ({ count: await cradle.noteService.count(), limit: query.limit ?? 20, tags: query.tag ?? [] }),
        }),
        defineRoute({
          method: 'GET',
          path: '/:id',
          summary: 'Read a note',
          schema: {
            params: Type.Object({ id: Type.String({ pattern: '^note_' }) }),
            response: { 200: Type.Object({ id: Type.String(), text: Type.String() }) },
          },
          handler: async ({ params, cradle }) => {
            const note = await cradle.em.findOne(Note, { id: params.id });
            if (!note) throw Object.assign(new Error('gone'), { status: 404 });
            // the secret field is not in the schema: the response shaping must drop it
            return { id: note.id, text: note.text, secret: 'internal' } as { id: string; text: string };
          },
        }),
      ]);
    },
  });
}

export function newControls(): NotesPluginControls {
  return { failNextDeliveries: 0, deliveries: [], order: [], notesSeenBySubscriber: [] };
}
