console.log("start", Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"));
const rt = await import("/work/grader-trust/src/runtime/index.ts");
console.log("after runtime", Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"));
await import("fast-check");
console.log("after fc", Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"));
const { runtimeForLab, lockdownOnce } = await import("/work/grader-trust/src/labs/runner/confine.ts");
lockdownOnce();
console.log("after lockdown", Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"));
runtimeForLab(rt, []);
console.log("after harden", Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"), Object.getOwnPropertyDescriptor(globalThis, "Error"));
try { Error.stackTraceLimit = 3; console.log("ok") } catch (e) { console.log(String(e)) }
