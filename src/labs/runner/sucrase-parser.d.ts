// Sucrase ships types for its parser under dist/types but maps no path to them.
declare module "sucrase/dist/parser/index.js" {
  export * from "sucrase/dist/types/parser/index";
}
declare module "sucrase/dist/parser/tokenizer/types.js" {
  export * from "sucrase/dist/types/parser/tokenizer/types";
}
