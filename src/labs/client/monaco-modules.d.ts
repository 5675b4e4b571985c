// monaco-editor's export map serves `monaco-editor/<path>.js` from esm/vs/<path>.js, but ships
// types only for its root entry; the full editor entry has the same API.
declare module "monaco-editor/editor/editor.main.js" {
  export * from "monaco-editor";
}

declare module "virtual:runtime-dts" {
  /** `runtime/<path>.d.ts` and `node_modules/@runtime/index.d.ts` → declaration text. */
  const files: Record<string, string>;
  export default files;
}

declare module "virtual:check-dts" {
  /** `node_modules/<package>/….d.ts` → declaration text, for type-checking check files. */
  const files: Record<string, string>;
  export default files;
}
