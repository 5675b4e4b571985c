import { ProgressStore, summarise } from "./progress";

/** Fills each lab card's progress badge from this browser's saved progress. */
export async function showLabProgress(): Promise<void> {
  const saved = await new ProgressStore().all().catch(() => []);
  const bySlug = new Map(saved.map((p) => [p.slug, p]));
  for (const badge of document.querySelectorAll<HTMLElement>("[data-progress-for]")) {
    const progress = bySlug.get(badge.dataset.progressFor ?? "");
    const summary = summarise(progress?.results);
    if (!progress) {
      badge.textContent = "Not started";
      badge.dataset.state = "new";
    } else if (!summary) {
      badge.textContent = "Started, no checks run yet";
      badge.dataset.state = "started";
    } else if (summary.done) {
      badge.textContent = `Done: all ${summary.total} checks pass`;
      badge.dataset.state = "done";
    } else {
      badge.textContent = `In progress: ${summary.passed} of ${summary.total} checks pass`;
      badge.dataset.state = "started";
    }
  }
}
