// The PeerServers the test runner started on 127.0.0.1 (web-test-runner.config.mjs).
declare global {
  var rtcTestEnv: { rtcServer: string; stockServer: string };
}

/** rtc-server's PeerServer. */
export const rtcServer = globalThis.rtcTestEnv.rtcServer;
/** The stock `peer` CLI's PeerServer. */
export const stockServer = globalThis.rtcTestEnv.stockServer;
