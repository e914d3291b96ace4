// Password rooms between real pages: real Chromium, a real rtc-server and a stock PeerServer on
// 127.0.0.1. The same password meets and sees video; another password finds a room of its own.
import { expect } from '@open-wc/testing';
import { rtcServer, stockServer } from './env.js';
import { closeAll, joinAll, part, uniqueRoom, untilEveryoneSeesEveryone, until } from './helpers.js';

describe('<rtc-call password>', () => {
  afterEach(closeAll);

  for (const [label, server] of [
    ['rtc-server', rtcServer],
    ['a stock PeerServer', stockServer],
  ] as const) {
    it(`lets in the pages with the password and shows them to each other, on ${label}`, async () => {
      const room = uniqueRoom('private');
      const people = await joinAll(room, server, ['Ada', 'Bob', 'Cy'], { password: 'a long shared passphrase' });
      await untilEveryoneSeesEveryone(people, 30_000);
    });
  }

  it('keeps a page with another password out, and tells its visitor what may be wrong', async () => {
    const room = uniqueRoom('private');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob'], { password: 'right' });
    await untilEveryoneSeesEveryone([ada, bob]);
    const [eve] = await joinAll(room, rtcServer, ['Eve'], { password: 'wrong' });
    await until(() => part(eve.call, 'status')[0]?.textContent?.includes('same room name and password') ?? false, 'no hint for the wrong password');
    expect(eve.call.participants).to.have.length(0);
    expect(ada.call.participants.map((p) => p.name)).to.deep.equal(['Bob']);
  });
});
