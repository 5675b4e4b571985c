import type { LabMeta } from "./schema";

/**
 * Whether the site lists a lab. A draft appears only on the dev server (`npm start`), so its
 * author can try it while no build publishes it.
 */
export function isListed(meta: Pick<LabMeta, "draft">, devServer: boolean): boolean {
  return devServer || !meta.draft;
}
