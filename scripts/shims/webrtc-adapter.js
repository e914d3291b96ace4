// Stands in for `webrtc-adapter` in our builds of PeerJS. PeerJS asks it only which browser this
// is (to refuse browsers older than Chrome 72, Firefox 59, Safari 12); its polyfills are for
// browsers older still. Dropping them takes about 12 KB (gzip) off every page that embeds us.
const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
const match = (re) => Number(re.exec(ua)?.[1] ?? 0);

let browser = 'Not a supported browser.';
let version = null;
if (/Firefox\//.test(ua)) {
  browser = 'firefox';
  version = match(/Firefox\/(\d+)/);
} else if (/Chrom(e|ium)\//.test(ua)) {
  browser = 'chrome';
  version = match(/Chrom(?:e|ium)\/(\d+)/);
} else if (/AppleWebKit\//.test(ua)) {
  // webrtc-adapter reports Safari's WebKit build number, and PeerJS compares against that.
  browser = 'safari';
  version = match(/AppleWebKit\/(\d+)/);
}

export default { browserDetails: { browser, version } };
