/**
 * The embedding page's Content-Security-Policy refusing the call server: the browser fails the
 * WebSocket without saying why to the script (the open would time out after 10 s with "did not
 * answer"), but tells the document a `securitypolicyviolation` naming the blocked URL. Watching
 * for it while the peer opens turns a policy that leaves the server out of `connect-src` into an
 * error that says so at once (docs/hosting.md gives the policy).
 */
import type { ServerEndpoint } from './config.js';

/** Calls `blocked` when the page's policy refuses a connection to `server`; returns the stop. */
export function watchPolicyBlock(server: ServerEndpoint, blocked: () => void): () => void {
  if (typeof document === 'undefined') return () => {};
  const onViolation = (e: SecurityPolicyViolationEvent) => {
    if (e.effectiveDirective !== 'connect-src') return;
    try {
      const url = new URL(e.blockedURI);
      // The WebSocket only: a fetch from the same server (its ICE servers) is another matter.
      if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return;
      const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
      if (url.hostname.replace(/^\[(.*)\]$/, '$1') === server.host && port === server.port) blocked();
    } catch {
      // Not a URL (`inline`, `eval`): not the server.
    }
  };
  document.addEventListener('securitypolicyviolation', onViolation);
  return () => document.removeEventListener('securitypolicyviolation', onViolation);
}
