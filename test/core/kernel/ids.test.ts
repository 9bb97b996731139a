import { expect } from 'chai';
import { newId } from '@cartwright/core';

describe('ids', () => {
  it('are prefixed, 26 Crockford base32 characters, and distinct', () => {
    const ids = Array.from({ length: 5_000 }, () => newId('ord'));
    for (const id of ids) expect(id).to.match(/^ord_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('sort in the order they were made, also many within one millisecond', () => {
    // a burst this size spans few milliseconds, so most neighbours share one: the random part must still rise
    const ids = Array.from({ length: 20_000 }, () => newId('oev'));
    expect([...ids].sort()).to.deep.equal(ids);
  });
});
