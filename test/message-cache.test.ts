// The per-message memo of the scan (journal/message-cache.ts): a message is remembered on its second
// sighting only, so the messages a journal prints once (a pod UID, a time in the text) never churn the
// cache; long messages are never remembered; a full cache starts over.

import { describe, expect, it } from 'vitest';
import { MessageCache } from '../src/journal/message-cache.js';

describe('MessageCache', () => {
  it('admits a message on its second sighting', () => {
    const c = new MessageCache<number>(8, 100);
    c.set('Unable to register node with API server', 1);
    expect(c.get('Unable to register node with API server')).toBeUndefined();
    c.set('Unable to register node with API server', 2);
    expect(c.get('Unable to register node with API server')).toBe(2);
  });

  it('keeps messages seen once out, however many there are', () => {
    const c = new MessageCache<number>(1000, 100);
    for (let i = 0; i < 500; i++) c.set(`pod ${i.toString(36).padStart(8, 'x')} failed`, i);
    expect(c.size).toBeLessThan(25); // only sketch collisions of the 4096-slot doorkeeper get in
  });

  it('never remembers a message over its length bound', () => {
    const long = 'x'.repeat(101);
    const c = new MessageCache<number>(8, 100);
    c.set(long, 1);
    c.set(long, 1);
    expect(c.get(long)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('starts over when full', () => {
    const c = new MessageCache<number>(4, 100);
    for (let i = 0; i < 5; i++) for (let k = 0; k < 2; k++) c.set(`message number ${i}`, i);
    expect(c.size).toBe(1);
    expect(c.get('message number 4')).toBe(4);
    expect(c.get('message number 0')).toBeUndefined();
  });
});
