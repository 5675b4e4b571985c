import { hydrateNear, hydrateWhenVisible } from "../demos/islands";
import { windowLogs } from "../demos/logs";
import { deckMode } from "./boot";
import {
  type DeckChannel,
  type DeckMessage,
  gotoMessage,
  newSessionId,
  openDeckChannel,
  SOLO,
  sendDemoLogs,
  sessionOf,
} from "./channel";
import { formatSlideHash, parseSlideHash } from "./deep-link";
import {
  CANVAS_WIDTH,
  containScale,
  fitSlide,
  type SlideSteps,
  slideSteps,
  watchScale,
} from "./dom";
import { type DeckAction, keyAction } from "./keys";
import {
  clampPosition,
  nextPosition,
  type Position,
  previousPosition,
  samePosition,
} from "./navigation";

/**
 * The audience window of a deck. Without this script the page is a readable stack of slides
 * with notes; with it, one slide at a time on a scaled 16:9 canvas (or, with `?mode=read`, the
 * stack again; with `?print-steps`, one printed page per step).
 */
export function startDeck(root: HTMLElement): void {
  const mode = deckMode(location.search);
  const slides = [...root.querySelectorAll<HTMLElement>(".deck-slide")];
  const canvases = slides.map((s) => s.querySelector<HTMLElement>(".slide") as HTMLElement);

  // Live demos replay this window's command logs; the channel keeps them in step with the
  // presenter's window.
  const logs = windowLogs();
  if (mode === "read") {
    startReading(root, slides, canvases);
    hydrateWhenVisible(root, logs);
    return;
  }
  if (mode === "print-steps") {
    expandStepsForPrint(root, slides);
    return;
  }

  const steps: SlideSteps[] = canvases.map(slideSteps);
  const counts = steps.map((s) => s.total);
  const stage = root.querySelector<HTMLElement>(".deck-stage") as HTMLElement;
  const status = root.querySelector<HTMLElement>("[data-deck-status]") as HTMLElement;
  const counter = root.querySelector<HTMLElement>("[data-deck-counter]");
  const blackout = root.querySelector<HTMLElement>(".deck-blackout") as HTMLElement;
  const helpDialog = root.querySelector<HTMLDialogElement>("dialog.deck-help");
  const gotoDialog = root.querySelector<HTMLDialogElement>("dialog.deck-goto");
  const slug = root.dataset.slug ?? "";
  const readLink = root.querySelector<HTMLAnchorElement>("a[data-read-link]");
  let position: Position = { slide: -1, step: 0 };

  // A window follows a presenter only once joined to its session: opened with `?session=`, or
  // when this window opens the presenter view. Until then it is a reader's tab, on its own.
  let session = sessionOf(new URL(location.href));
  let channel: DeckChannel = SOLO;
  const onMessage = (message: DeckMessage) => {
    if (message.type === "goto") show(message, { history: "push", broadcast: false });
    // The presenter leads the session, so it alone answers with a position.
    else if (message.type === "hello") sendDemoLogs(channel, logs);
    else if (message.type === "blackout") setBlackout(message.on, false);
  };
  function join(id: string): void {
    channel.close();
    session = id;
    channel = openDeckChannel(slug, id, onMessage);
  }

  function show(
    target: Position,
    how: { history: "push" | "replace" | "none"; broadcast: boolean },
  ): void {
    const next = clampPosition(target, counts);
    const slideChanged = next.slide !== position.slide;
    if (samePosition(next, position)) return;
    if (slideChanged) {
      const overview = root.dataset.view === "overview";
      // The slide the page opens on is already on screen (boot.ts); only a turn fades in.
      const turned = position.slide >= 0;
      slides.forEach((slide, i) => {
        const current = i === next.slide;
        slide.hidden = !current && !overview;
        slide.inert = !current && !overview;
        slide.classList.toggle("is-current", current);
        slide.classList.toggle("is-entering", current && turned);
      });
      const canvas = canvases[next.slide];
      if (canvas) fitSlide(canvas);
    }
    steps[next.slide]?.apply(next.step);
    position = next;
    if (slideChanged && root.dataset.view !== "overview") hydrateNear(slides, next.slide, logs);
    const title = slides[next.slide]?.dataset.title ?? "";
    if (counter) counter.textContent = `${next.slide + 1} / ${slides.length}`;
    status.textContent = slideChanged
      ? `Slide ${next.slide + 1} of ${slides.length}: ${title}`
      : `Step ${next.step} of ${counts[next.slide]}`;
    const hash = formatSlideHash(next);
    if (how.history === "push" && location.hash !== hash) history.pushState(null, "", hash);
    if (how.history === "replace") history.replaceState(null, "", hash);
    if (readLink) readLink.hash = hash;
    if (how.broadcast) channel.send(gotoMessage(next));
  }

  /** Navigation by the speaker: a new slide is a history entry, a step within it is not. */
  const go = (target: Position) =>
    show(target, {
      history: target.slide === position.slide ? "replace" : "push",
      broadcast: true,
    });

  function setBlackout(on: boolean, broadcast: boolean): void {
    blackout.hidden = !on;
    if (broadcast) channel.send({ type: "blackout", on });
  }

  function setOverview(open: boolean): void {
    if (open === (root.dataset.view === "overview")) return;
    root.dataset.view = open ? "overview" : "slide";
    // In the overview every slide shows but only its pick button takes focus or clicks.
    slides.forEach((slide, i) => {
      slide.hidden = !open && i !== position.slide;
      slide.inert = !open && i !== position.slide;
    });
    for (const canvas of canvases) canvas.inert = open;
    if (open) {
      for (const canvas of canvases) fitSlide(canvas);
      slides[position.slide]?.querySelector<HTMLElement>(".slide-pick")?.focus();
      status.textContent = "Overview: pick a slide";
    } else {
      stage.focus({ preventScroll: true });
      hydrateNear(slides, position.slide, logs);
    }
  }

  function openGoto(): void {
    if (!gotoDialog) return;
    const input = gotoDialog.querySelector("input");
    if (input) {
      input.max = String(slides.length);
      input.value = "";
    }
    gotoDialog.showModal();
  }

  function perform(action: DeckAction): void {
    const overview = root.dataset.view === "overview";
    switch (action) {
      case "next":
        if (overview) overviewMove(1);
        else go(nextPosition(position, counts));
        return;
      case "previous":
        if (overview) overviewMove(-1);
        else go(previousPosition(position, counts));
        return;
      case "first":
        go({ slide: 0, step: 0 });
        return;
      case "last":
        go({ slide: slides.length - 1, step: counts[slides.length - 1] ?? 0 });
        return;
      case "overview":
        setOverview(!overview);
        return;
      case "goto":
        openGoto();
        return;
      case "fullscreen":
        if (document.fullscreenElement) void document.exitFullscreen();
        else void document.documentElement.requestFullscreen?.().catch(() => {});
        return;
      case "blackout":
        setBlackout(Boolean(blackout.hidden), true);
        return;
      case "presenter": {
        const id = session ?? newSessionId();
        if (!session) {
          join(id);
          // In the URL too, so a reload keeps this window in the session.
          const here = new URL(location.href);
          here.searchParams.set("session", id);
          history.replaceState(null, "", here);
        }
        const url = new URL(root.dataset.presenter ?? "presenter/", location.href);
        url.searchParams.set("session", id);
        url.hash = formatSlideHash(position);
        window.open(url, `deck-presenter-${slug}`, "popup,width=1200,height=760");
        return;
      }
      case "help":
        if (helpDialog?.open) helpDialog.close();
        else helpDialog?.showModal();
        return;
    }
  }

  function overviewMove(delta: number): void {
    const slide = Math.min(Math.max(0, position.slide + delta), slides.length - 1);
    show({ slide, step: 0 }, { history: "replace", broadcast: true });
    slides[slide]?.querySelector<HTMLElement>(".slide-pick")?.focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
    const action = keyAction(event, event.target instanceof Element ? event.target : null);
    if (!action) return;
    event.preventDefault();
    perform(action);
  });

  root.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const pick = target?.closest<HTMLElement>(".slide-pick");
    if (pick) {
      const slide = slides.indexOf(pick.closest(".deck-slide") as HTMLElement);
      setOverview(false);
      go({ slide, step: 0 });
      return;
    }
    const button = target?.closest<HTMLElement>("[data-action]");
    if (button) perform(button.dataset.action as DeckAction);
  });

  gotoDialog?.addEventListener("close", () => {
    const value = Number(
      gotoDialog.returnValue === "go" ? gotoDialog.querySelector("input")?.value : Number.NaN,
    );
    if (Number.isInteger(value) && value >= 1) {
      setOverview(false);
      go({ slide: value - 1, step: 0 });
    }
  });

  // Swipe: a mostly horizontal flick of 50 px or more turns the slide.
  let touchStart: { x: number; y: number } | undefined;
  stage.addEventListener(
    "touchstart",
    (event) => {
      const t = event.touches[0];
      touchStart = event.touches.length === 1 && t ? { x: t.clientX, y: t.clientY } : undefined;
    },
    { passive: true },
  );
  stage.addEventListener("touchend", (event) => {
    const t = event.changedTouches[0];
    if (!touchStart || !t || root.dataset.view === "overview") return;
    const dx = t.clientX - touchStart.x;
    const dy = t.clientY - touchStart.y;
    touchStart = undefined;
    if (Math.abs(dx) >= 50 && Math.abs(dx) > 1.5 * Math.abs(dy))
      perform(dx < 0 ? "next" : "previous");
  });

  // The toolbar steps aside while the pointer rests (see deck.css); any movement brings it back.
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const wake = () => {
    delete root.dataset.idle;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      root.dataset.idle = "";
    }, 2500);
  };
  for (const type of ["pointermove", "pointerdown", "focusin"]) root.addEventListener(type, wake);
  wake();

  const slideIds = slides.map((slide) => slide.dataset.slideId);
  const fromLocation = () => parseSlideHash(location.hash, slideIds);
  window.addEventListener("popstate", () => {
    const target = fromLocation();
    if (target) show(target, { history: "none", broadcast: true });
  });
  window.addEventListener("hashchange", () => {
    const target = fromLocation();
    if (target) show(target, { history: "replace", broadcast: true });
  });

  // Print: every slide on its own page, fully revealed and fitted, whatever the screen shows.
  window.addEventListener("beforeprint", () => {
    for (const canvas of canvases) fitSlide(canvas);
  });

  // Every slide hidden before the page leaves its boot (or reading) layout, so that the first
  // measurements lay out the slide shown and nothing else.
  for (const slide of slides) slide.hidden = true;
  root.dataset.view = "slide";
  root.dataset.mode = "present";
  delete root.dataset.bootHash;
  show(fromLocation() ?? { slide: 0, step: 0 }, { history: "replace", broadcast: false });
  watchScale(stage, containScale);
  // The overview's grid: as many ~300 px columns as fit, each thumbnail a scaled canvas.
  new ResizeObserver(() => {
    const width = stage.clientWidth - 48;
    const columns = Math.max(2, Math.min(6, Math.floor(width / 300)));
    stage.style.setProperty("--thumb-columns", String(columns));
    stage.style.setProperty(
      "--thumb-scale",
      String((width - (columns - 1) * 20) / columns / CANVAS_WIDTH),
    );
  }).observe(stage);
  if (session) {
    join(session);
    channel.send({ type: "hello" });
  }
  fitWhenIdle(slides);
}

/**
 * Fits the hidden slides in the browser's idle time, one at a time and each laid out alone, so
 * the overview and print are ready and no key press waits behind one task over every slide.
 */
function fitWhenIdle(slides: readonly HTMLElement[]): void {
  const idle =
    window.requestIdleCallback ??
    ((fn: (deadline: { timeRemaining(): number }) => void) =>
      setTimeout(() => {
        const end = performance.now() + 10;
        fn({ timeRemaining: () => end - performance.now() });
      }, 200));
  let next = 0;
  const fitSome = (deadline: { timeRemaining(): number }) => {
    do {
      const slide = slides[next++];
      const canvas = slide?.querySelector<HTMLElement>(".slide");
      if (!slide || !canvas || canvas.dataset.fitted) continue;
      slide.classList.add("is-measuring");
      fitSlide(canvas);
      slide.classList.remove("is-measuring");
    } while (next < slides.length && deadline.timeRemaining() > 5);
    if (next < slides.length) idle(fitSome);
  };
  idle(fitSome);
}

/**
 * Reading mode: every slide stacked at the column's width, notes under each, all steps shown.
 * `#n` scrolls to slide n, as it shows slide n when presenting.
 */
function startReading(root: HTMLElement, slides: HTMLElement[], canvases: HTMLElement[]): void {
  root.dataset.mode = "read";
  const list = root.querySelector<HTMLElement>(".deck-slides") as HTMLElement;
  watchScale(list, (box) => Math.min(box.clientWidth, 1100) / CANVAS_WIDTH);
  for (const canvas of canvases) fitSlide(canvas);
  const reveal = () => {
    const target = parseSlideHash(location.hash);
    const slide = target && slides[Math.min(target.slide, slides.length - 1)];
    if (!slide) return;
    slide.scrollIntoView({ block: "start" });
    slide.querySelector<HTMLElement>(".slide")?.focus({ preventScroll: true });
  };
  window.addEventListener("hashchange", reveal);
  // After layout: the scaled canvases set each slide's height.
  requestAnimationFrame(reveal);
}

/** `?print-steps`: each slide is repeated once per step, each copy showing one more step. */
function expandStepsForPrint(root: HTMLElement, slides: HTMLElement[]): void {
  root.dataset.mode = "print-steps";
  for (const slide of slides) {
    const canvas = slide.querySelector<HTMLElement>(".slide") as HTMLElement;
    const total = slideSteps(canvas).total;
    for (let step = 0; step < total; step++) {
      const copy = slide.cloneNode(true) as HTMLElement;
      slideSteps(copy).apply(step);
      copy.classList.add("print-step-copy");
      slide.before(copy);
    }
    slideSteps(canvas).apply(total);
  }
  for (const canvas of root.querySelectorAll<HTMLElement>(".slide")) fitSlide(canvas);
}
