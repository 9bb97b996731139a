import { expect } from 'chai';
import { EventBus } from '../../../core/src/kernel/events/event-bus.ts';

describe('EventBus.subscribeAll (the seam outgoing webhooks use)', () => {
  it('fans every accepted event out to the subscriber beside the named ones, and no other', () => {
    const bus = new EventBus();
    bus.subscribe('tag.created', 'core/search', () => undefined);
    bus.subscribeAll('core/webhooks', () => undefined, (name) => name.startsWith('tag.'));
    bus.subscribeAll('core/everything', () => undefined);
    expect(bus.subscribersOf('tag.created').map((s) => s.id)).to.deep.equal(['core/search', 'core/webhooks', 'core/everything']);
    expect(bus.subscribersOf('note.created').map((s) => s.id)).to.deep.equal(['core/everything']);
    expect(bus.byId('core/webhooks')).to.include({ event: '*' });
  });

  it('refuses a subscriber id used twice, whichever way it was subscribed', () => {
    const bus = new EventBus();
    bus.subscribe('tag.created', 'core/a', () => undefined);
    bus.subscribeAll('core/b', () => undefined);
    expect(() => bus.subscribeAll('core/a', () => undefined)).to.throw(/already registered/);
    expect(() => bus.subscribe('tag.deleted', 'core/b', () => undefined)).to.throw(/already registered/);
  });
});
