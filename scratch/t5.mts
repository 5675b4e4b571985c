import { lockdownOnce, harden } from "/work/grader-trust/src/labs/runner/confine.ts";
lockdownOnce();
console.log(Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"), Object.isFrozen(Error));
class E extends Error {}
harden(E);
console.log(Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"), Object.isFrozen(Error));
try { Error.stackTraceLimit = 3; console.log("ok") } catch (e) { console.log(String(e)) }
