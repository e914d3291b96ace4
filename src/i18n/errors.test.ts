import { expect } from '@open-wc/testing';
import { LoadError } from '../controllers/lazy.js';
import { ConfigError } from '../session/config.js';
import { SessionError } from '../session/types.js';
import de from './de.js';
import { failure, problemText, sessionProblem } from './errors.js';
import { formatFor } from './format.js';
import { english } from './localizer.js';

const german = de(formatFor('de'));

describe('problems, from what failed to what the element says', () => {
  it('tells a configuration mistake by its attribute and the value the element holds', () => {
    const [detail, problem] = failure({ maxParticipants: 'lots' }, new ConfigError('max-participants', 'max-participants must be a whole number.'));
    expect(detail).to.deep.equal({ type: 'invalid-config', message: 'max-participants must be a whole number.', fatal: true });
    expect(problemText(english, problem)).to.contain('lots');
  });

  it('tells code that did not load from a server that cannot be reached, and anything else thrown as a network problem', () => {
    const [loadDetail, load] = failure({}, new LoadError(new TypeError('Failed to fetch')));
    expect(loadDetail.type).to.equal('network');
    expect(problemText(english, load)).to.equal(english.errorLoad);
    const [detail, problem] = failure({}, 'gone');
    expect(detail).to.deep.equal({ type: 'network', message: 'gone', fatal: true });
    expect(problemText(english, problem)).to.equal(english.errorNetwork);
  });

  it("says the session's facts in the element's language, not by reading its English message", () => {
    const other = new SessionError('protocol', 'Some English words.', false, { versions: ['rtc-room/1', 'rtc-room/2'] });
    const [detail, problem] = sessionProblem(other);
    expect(detail).to.deep.equal({ type: 'protocol', message: 'Some English words.', fatal: false });
    expect(problemText(german, problem)).to.equal(german.errorOtherVersion('rtc-room/1', 'rtc-room/2'));
    expect(problemText(german, sessionProblem(new SessionError('protocol', 'Some English words.', false))[1])).to.equal(german.errorProtocol);

    const refused = new SessionError('server-error', 'Some English words.', false, { relay: 'refused' });
    expect(problemText(german, sessionProblem(refused)[1])).to.equal(german.errorRelayRefused);
    expect(problemText(german, sessionProblem(new SessionError('server-error', 'x', false, { relay: 'unavailable' }))[1])).to.equal(german.errorNoRelay);
    const twins = new SessionError('duplicate-name', 'Two people here are called Ada: …', false, { name: 'Ada' });
    expect(problemText(german, sessionProblem(twins)[1])).to.equal(german.errorDuplicateName('Ada'));
    // A fatal session error that ends the join.
    const [fatal, fatalProblem] = failure({}, new SessionError('room-full', 'This room is full (2 people at most).'));
    expect(fatal).to.deep.equal({ type: 'room-full', message: 'This room is full (2 people at most).', fatal: true });
    expect(problemText(german, fatalProblem)).to.equal(german.errorRoomFull);
    // Whatever ends a join is fatal.
    expect(failure({}, new SessionError('negotiation-failed', 'x', false))[0].fatal).to.equal(true);
  });
});
