/**
 * Import first, before `@runtime`, in a Node process that runs checks through `runChecks`
 * (check-labs, tests): lockdown must come before any class extends `Error`, as in the browser's
 * worker, or hardening the runtime would freeze the host's own `Error` with it.
 */
import { lockdownOnce } from "./confine";

lockdownOnce();
