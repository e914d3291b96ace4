// The PeerServers the test runner started on 127.0.0.1 (web-test-runner.config.mjs).
declare global {
  var rtcTestEnv: {
    rtcServer: string;
    stockServer: string;
    /** Two rtc-server instances sharing one redis-server; null when redis-server is not installed. */
    cluster?: { a: string; b: string } | null;
  };
}

/** rtc-server's PeerServer. */
export const rtcServer = globalThis.rtcTestEnv.rtcServer;
/** The stock `peer` CLI's PeerServer. */
export const stockServer = globalThis.rtcTestEnv.stockServer;
/** The PeerServers of two rtc-server instances joined through Redis (--redis), or null. */
export const cluster = globalThis.rtcTestEnv.cluster ?? null;
