import { expect } from '@open-wc/testing';
import { ConfigError, checkMaxParticipants, checkRoom, parseIceServers, parseServerUrl } from './config.js';
import { useIceServers } from './peer-config.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('session configuration', () => {
  it('reads a PeerServer URL into PeerJS options', () => {
    expect(parseServerUrl('https://calls.example.com/peerjs')).to.deep.equal({
      url: 'https://calls.example.com/peerjs/',
      host: 'calls.example.com',
      port: 443,
      path: '/peerjs/',
      secure: true,
      key: 'peerjs',
    });
    expect(parseServerUrl('http://127.0.0.1:9000', 'k1')).to.include({ host: '127.0.0.1', port: 9000, path: '/', secure: false, key: 'k1' });
    expect(parseServerUrl('wss://[::1]:8443/x/')).to.include({ host: '::1', port: 8443, path: '/x/', secure: true });
  });

  it('explains a bad server URL or key', () => {
    expect(configError(() => parseServerUrl('calls.example.com')).message).to.contain('not a URL');
    expect(configError(() => parseServerUrl('ftp://x/')).message).to.contain('https://');
    expect(configError(() => parseServerUrl('https://x/?a=1')).field).to.equal('server');
    expect(configError(() => parseServerUrl('https://x/', 'bad key!')).field).to.equal('key');
  });

  it('accepts ICE servers as JSON or arrays, and explains bad ones', () => {
    expect(parseIceServers('')).to.deep.equal([]);
    expect(parseIceServers('[{"urls":"stun:127.0.0.1:3478"}]')).to.deep.equal([{ urls: ['stun:127.0.0.1:3478'] }]);
    expect(parseIceServers([{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }])).to.deep.equal([
      { urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' },
    ]);
    expect(configError(() => parseIceServers('[{urls:')).message).to.contain('not valid JSON');
    expect(configError(() => parseIceServers('{"urls":"stun:127.0.0.1"}')).message).to.contain('array');
    expect(configError(() => parseIceServers('[{"urls":"http://x"}]')).message).to.contain('entry 1');
    // What the browser would refuse, and with it every connection of the call.
    expect(configError(() => parseIceServers('[{"urls":"stun:127.0.0.1"},{"urls":"turn:127.0.0.1"}]')).message).to.contain('entry 2: a TURN server needs "username" and "credential"');
    expect(configError(() => parseIceServers('[{"urls":"stun:127.0.0.1 two words"}]')).message).to.match(/^The browser refuses these ice-servers: ./);
  });

  it('keeps the ICE servers it has when new ones would be refused by the browser', () => {
    const config: RTCConfiguration = { iceServers: [{ urls: ['stun:127.0.0.1:3478'] }] };
    const pc = new RTCPeerConnection(config);
    try {
      expect(useIceServers(config, [pc], [{ urls: ['turn:127.0.0.1:3478'] }])).to.equal(false);
      expect(config.iceServers).to.deep.equal([{ urls: ['stun:127.0.0.1:3478'] }]);
      expect(pc.getConfiguration().iceServers).to.deep.equal([{ urls: ['stun:127.0.0.1:3478'], username: '', credential: '' }]);
      const fresh = [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }];
      expect(useIceServers(config, [pc], fresh)).to.equal(true);
      expect(config.iceServers).to.equal(fresh);
      new RTCPeerConnection(config).close();
    } finally {
      pc.close();
    }
  });

  it('checks room names and limits', () => {
    expect(checkRoom('a room')).to.equal('a room');
    expect(configError(() => checkRoom('   ')).field).to.equal('room');
    expect(configError(() => checkRoom('x'.repeat(129))).field).to.equal('room');
    expect(checkMaxParticipants('4')).to.equal(4);
    expect(checkMaxParticipants(0)).to.equal(0);
    for (const bad of ['1', '-3', 'ten', 2.5, 51]) expect(configError(() => checkMaxParticipants(bad)).field).to.equal('max-participants');
  });
});
