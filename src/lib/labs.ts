import { type CollectionEntry, getCollection } from "astro:content";
import { isListed } from "../labs/listing";

/** The labs the site lists, in their `order`; drafts only under `npm start`. */
export async function publishedLabs(): Promise<CollectionEntry<"labs">[]> {
  const labs = await getCollection("labs", ({ data }) => isListed(data, import.meta.env.DEV));
  return labs.sort((a, b) => a.data.order - b.data.order);
}
