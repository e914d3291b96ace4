import { expect } from '@open-wc/testing';
import type { ReactiveControllerHost } from 'lit';
import { Announcer } from './announcer.js';

/** An announcer on a host that only counts its updates; resolves once a burst was read out. */
function announcer() {
  let updates = 0;
  const host = { addController() {}, removeController() {}, requestUpdate: () => updates++, updateComplete: Promise.resolve(true) } as ReactiveControllerHost;
  const a = new Announcer(host, (n) => `and ${n} more`);
  const burst = async () => {
    const before = updates;
    while (updates === before) await new Promise((r) => setTimeout(r, 50));
    return a.text;
  };
  return { a, burst };
}

describe('Announcer', () => {
  it('reads a burst as one, three items at most', async () => {
    const { a, burst } = announcer();
    for (const name of ['Ann', 'Ben', 'Cat', 'Dan', 'Eve']) a.say(`${name} joined (burst)`);
    expect(await burst()).to.equal('Ann joined (burst). Ben joined (burst). and 3 more.');
  });

  it('reads what asks for an answer ahead of the rest of its burst, never among "and 4 more"', async () => {
    const { a, burst } = announcer();
    for (const name of ['Ann', 'Ben', 'Cat', 'Dan']) a.say(`${name} joined (first)`);
    a.say('Zoe asks to join', false, true);
    a.say('Yan asks to join', false, true);
    a.say('Fay joined (first)');
    expect(await burst()).to.equal('Zoe asks to join. Yan asks to join. and 5 more.');
    a.say('Gus joined (first)');
    a.say('Xia asks to join', false, true);
    expect(await burst()).to.equal('Xia asks to join. Gus joined (first).');
  });
});
