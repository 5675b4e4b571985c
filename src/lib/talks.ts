import { type CollectionEntry, getCollection } from "astro:content";

/**
 * The talks the site publishes: every talk not marked `draft`. Pages, deck routes and slide
 * links all ask here, so a draft is hidden everywhere or nowhere.
 */
export function publishedTalks(): Promise<CollectionEntry<"talks">[]> {
  return getCollection("talks", ({ data }) => !data.draft);
}
