// Diagnosis only (`npm run bench -- --only server --diagnose`): preloaded into an rtc-server
// process with --import, it turns node:async_hooks' createHook into a no-op, so the server runs
// without the hook server/timer-scope.js keeps enabled for the process's lifetime. The
// difference to the plain rtc-server is what that hook costs.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const asyncHooks = createRequire(import.meta.url)('node:async_hooks');
asyncHooks.createHook = () => ({ enable() {}, disable() {} });
syncBuiltinESMExports();
