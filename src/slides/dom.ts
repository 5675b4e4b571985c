import { activeGroup, stepPlan } from "./navigation";

/** The fixed canvas every slide is laid out on; windows only scale it. */
export const CANVAS_WIDTH = 1280;
export const CANVAS_HEIGHT = 720;

export interface SlideSteps {
  total: number;
  /** Shows the slide as it is after `step` steps (0 = before the first). */
  apply(step: number): void;
}

/**
 * Finds a slide's steps (<Step> blocks and highlight groups of code blocks, in document order)
 * and returns how to show any of them. Works on a live slide or on a clone.
 */
export function slideSteps(slide: Element): SlideSteps {
  const fragments = [
    ...slide.querySelectorAll<HTMLElement>("[data-step], pre[data-highlight-steps]"),
  ];
  const sizes = fragments.map((el) =>
    el.tagName === "PRE" ? Number(el.dataset.highlightSteps) || 0 : 1,
  );
  const { total, offsets } = stepPlan(sizes);
  return {
    total,
    apply(step) {
      fragments.forEach((el, i) => {
        const group = activeGroup(offsets[i] ?? 0, sizes[i] ?? 0, step);
        if (el.tagName !== "PRE") {
          el.toggleAttribute("data-step-hidden", group === 0);
          return;
        }
        el.dataset.hlActive = String(group);
        for (const line of el.querySelectorAll<HTMLElement>(".line")) {
          const groups = (line.dataset.hl ?? "").split(" ");
          line.classList.toggle("hl-on", group > 0 && groups.includes(String(group)));
          line.classList.toggle("hl-dim", group > 0 && !groups.includes(String(group)));
        }
      });
    },
  };
}

/** Keeps `--slide-scale` on `box` so that a 16:9 canvas fits `measure(box)`; returns a stop function. */
export function watchScale(box: HTMLElement, measure: (box: HTMLElement) => number): () => void {
  const update = () => box.style.setProperty("--slide-scale", String(Math.max(0.05, measure(box))));
  const observer = new ResizeObserver(update);
  observer.observe(box);
  update();
  return () => observer.disconnect();
}

/** Scale that fits the canvas inside the box, letterboxed. */
export const containScale = (box: HTMLElement): number =>
  Math.min(box.clientWidth / CANVAS_WIDTH, box.clientHeight / CANVAS_HEIGHT);

/**
 * Shrinks a slide's type until its content fits the canvas (and every code line fits its block),
 * so a long slide never spills off screen or onto a second printed page. The slide must be
 * rendered (not display:none).
 */
export function fitSlide(slide: HTMLElement): void {
  if (slide.dataset.fitted) return;
  let fit = 1;
  slide.style.removeProperty("--fit");
  const blocks = [...slide.querySelectorAll("pre")];
  const overflows = () =>
    slide.scrollHeight > slide.clientHeight + 2 ||
    blocks.some((pre) => pre.scrollWidth > pre.clientWidth + 2);
  while (overflows() && fit > 0.55) {
    fit = Math.round((fit - 0.06) * 100) / 100;
    slide.style.setProperty("--fit", String(fit));
  }
  slide.dataset.fitted = "1";
}
