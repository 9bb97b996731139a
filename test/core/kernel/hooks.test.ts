import { expect } from 'chai';
import { AppError, defineErrorCodes, HookRegistry, veto } from '@cartwright/core';

describe('filter hooks', () => {
  it('run by priority, then in registration order, each receiving the previous result', async () => {
    const hooks = new HookRegistry();
    hooks.tap('test.transform' as never, ((v: string) => `${v}-b`) as never, { owner: 'b', priority: 100 });
    hooks.tap('test.transform' as never, ((v: string) => `${v}-a`) as never, { owner: 'a', priority: 10 });
    hooks.tap('test.transform' as never, ((v: string) => `${v}-c`) as never, { owner: 'c', priority: 100 });
    expect(await hooks.run('test.transform' as never, 'x' as never, {} as never)).to.equal('x-a-b-c');
  });

  it('return the value unchanged when nothing is tapped', async () => {
    expect(await new HookRegistry().run('test.none' as never, 42 as never, {} as never)).to.equal(42);
  });

  it('veto with HOOK_VETOED and 422 by default', () => {
    try {
      veto('Not on Sundays');
      expect.fail('veto must throw');
    } catch (error) {
      expect(error).to.be.instanceOf(AppError);
      expect(error).to.include({ status: 422, code: 'HOOK_VETOED', message: 'Not on Sundays' });
    }
  });

  it('veto with a plugin\'s own registered code and its status', () => {
    defineErrorCodes({ TEST_LOYALTY_FROZEN: { status: 423, title: 'The loyalty account is frozen' } });
    try {
      veto('Frozen until Monday', { code: 'TEST_LOYALTY_FROZEN', extensions: { until: 'monday' } });
      expect.fail('veto must throw');
    } catch (error) {
      expect(error).to.include({ status: 423, code: 'TEST_LOYALTY_FROZEN' });
      expect((error as AppError).extensions).to.deep.equal({ until: 'monday' });
    }
  });

  it('refuse an error code defined twice with a different meaning', () => {
    expect(() => defineErrorCodes({ HOOK_VETOED: { status: 400, title: 'Something else' } })).to.throw(/already defined/);
  });
});
