import net from 'node:net';

/**
 * The address that a per-address limit counts a request against. Behind a reverse proxy
 * (`proxied`) it is the last X-Forwarded-For entry: the one the proxy itself appended, which a
 * client cannot forge (earlier entries it can). An IPv4-mapped IPv6 address counts as the IPv4
 * address; any other IPv6 address as its /64, which one subscriber usually gets whole.
 * @param {import('node:http').IncomingMessage} req
 * @param {boolean} proxied
 * @returns {string}
 */
export function clientAddress(req, proxied) {
  if (!proxied) return socketAddress(req.socket);
  const forwarded = req.headers['x-forwarded-for'];
  const last = typeof forwarded === 'string' ? forwarded.slice(forwarded.lastIndexOf(',') + 1).trim() : '';
  return addressKey(net.isIP(last) ? last : req.socket.remoteAddress ?? '');
}

/**
 * The address a per-address limit counts a connection against, by its peer alone.
 * @param {import('node:net').Socket} socket
 * @returns {string}
 */
export function socketAddress(socket) {
  const address = socket.remoteAddress ?? '';
  // The common case needs no parsing: a direct IPv4 peer is its own key.
  return socket.remoteFamily === 'IPv4' ? address : addressKey(address);
}

/**
 * @param {string} address an IPv4 or IPv6 address as Node reports it
 * @returns {string}
 */
export function addressKey(address) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (net.isIPv6(address)) return `${prefix64(address)}::/64`;
  return address;
}

/**
 * The first four groups of an IPv6 address, without leading zeros.
 * @param {string} address a valid IPv6 address, perhaps with a zone (`%eth0`)
 */
function prefix64(address) {
  const bare = address.split('%')[0];
  const gap = bare.indexOf('::');
  /** @param {string} part */
  const groups = (part) => (part === '' ? [] : part.split(':'));
  let all;
  if (gap === -1) {
    all = groups(bare);
  } else {
    const head = groups(bare.slice(0, gap));
    const tail = groups(bare.slice(gap + 2));
    // A dotted IPv4 tail fills two groups.
    const tailLength = tail.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0);
    all = [...head, ...Array(Math.max(0, 8 - head.length - tailLength)).fill('0'), ...tail];
  }
  return all
    .slice(0, 4)
    .map((group) => (group.includes('.') ? group : parseInt(group, 16).toString(16)))
    .join(':');
}
