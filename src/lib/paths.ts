/**
 * Joins a site-relative path onto Astro's `base`, so every link keeps working when the site
 * is served from a sub-path such as a GitHub Pages project site.
 */
export function href(path: string, base: string = import.meta.env.BASE_URL): string {
  const root = base.endsWith("/") ? base : `${base}/`;
  return root + path.replace(/^\/+/, "");
}
