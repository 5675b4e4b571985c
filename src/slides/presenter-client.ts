import { disposeDemos, hydrateDemos } from "../demos/islands";
import { windowLogs } from "../demos/logs";
import { gotoMessage, newSessionId, openDeckChannel, sendDemoLogs, sessionOf } from "./channel";
import { formatSlideHash, parseSlideHash } from "./deep-link";
import { containScale, fitSlide, slideSteps, watchScale } from "./dom";
import { keyAction } from "./keys";
import {
  clampPosition,
  nextPosition,
  type Position,
  previousPosition,
  samePosition,
} from "./navigation";
import { describePacing, formatDuration, pacingDelta } from "./pacing";

/**
 * The presenter window: the current slide at its current step, what comes next, the notes, the
 * elapsed time against the talk's length, and the clock. It follows the audience window and
 * drives it over the deck's BroadcastChannel; either side may navigate.
 */
export function startPresenter(root: HTMLElement): void {
  const template = root.querySelector<HTMLTemplateElement>(
    "template[data-deck-slides]",
  ) as HTMLTemplateElement;
  const sources = [...template.content.querySelectorAll<HTMLElement>(".deck-slide")];
  const counts = sources.map((s) => slideSteps(s).total);
  const minutes = Number(root.dataset.minutes) || 30;
  const slug = root.dataset.slug ?? "";
  const panes = {
    current: root.querySelector<HTMLElement>("[data-pane=current]") as HTMLElement,
    next: root.querySelector<HTMLElement>("[data-pane=next]") as HTMLElement,
  };
  const notes = root.querySelector<HTMLElement>("[data-presenter-notes]") as HTMLElement;
  const where = root.querySelector<HTMLElement>("[data-presenter-position]") as HTMLElement;
  const nextLabel = root.querySelector<HTMLElement>("[data-presenter-next-label]") as HTMLElement;
  const elapsedOut = root.querySelector<HTMLElement>("[data-presenter-elapsed]") as HTMLElement;
  const pacingOut = root.querySelector<HTMLElement>("[data-presenter-pacing]") as HTMLElement;
  const clockOut = root.querySelector<HTMLElement>("[data-presenter-clock]") as HTMLElement;
  const pauseButton = root.querySelector<HTMLButtonElement>("[data-presenter-pause]");
  const blackoutOut = root.querySelector<HTMLElement>("[data-presenter-blackout]");
  let position: Position = { slide: -1, step: 0 };
  let blackout = false;

  const logs = windowLogs();
  /** Which slide each pane shows, so a step within it keeps the copy (and its live demo). */
  const placed = new Map<HTMLElement, number>();

  for (const pane of Object.values(panes)) watchScale(pane, containScale);

  // The presenter leads a session: the audience window that opened it, or any window opened
  // from its "audience view" link, follows it. Opened on its own, it starts a session.
  const url = new URL(location.href);
  const session = sessionOf(url) ?? newSessionId();
  if (url.searchParams.get("session") !== session) {
    url.searchParams.set("session", session);
    history.replaceState(null, "", url);
  }
  const audienceLink = root.querySelector<HTMLAnchorElement>("a[data-audience-link]");
  if (audienceLink) {
    const audience = new URL(audienceLink.href);
    audience.searchParams.set("session", session);
    audienceLink.href = audience.href;
  }
  const channel = openDeckChannel(slug, session, (message) => {
    if (message.type === "goto") render(message, false);
    // Leading the session: a window that joins learns where the talk is.
    else if (message.type === "hello") {
      channel.send(gotoMessage(position));
      sendDemoLogs(channel, logs);
    } else if (message.type === "blackout") setBlackout(message.on, false);
  });

  /**
   * A copy of slide `index` as it looks after `step` steps, placed in `pane`. The current slide's
   * demos run (the presenter drives them; the audience replays the commands); the preview of
   * the next one stays inert.
   */
  function place(pane: HTMLElement, index: number, step: number): void {
    const source = sources[index];
    const live = pane === panes.current;
    const kept = placed.get(pane) === index ? pane.firstElementChild : null;
    if (kept) {
      slideSteps(kept).apply(step);
      return;
    }
    disposeDemos(pane);
    pane.replaceChildren();
    placed.delete(pane);
    if (!source) return;
    const copy = source.cloneNode(true) as HTMLElement;
    copy.querySelector(".slide-notes")?.remove();
    copy.querySelector(".slide-pick")?.remove();
    copy.inert = !live;
    pane.append(copy);
    placed.set(pane, index);
    slideSteps(copy).apply(step);
    const canvas = copy.querySelector<HTMLElement>(".slide");
    if (canvas) fitSlide(canvas);
    if (live) hydrateDemos(copy, logs);
  }

  /**
   * Shows a position. `moved` is a speaker's move, from either window, as opposed to where the
   * window opens: the first one starts the talk's timer.
   */
  function render(target: Position, broadcast: boolean, moved = true): void {
    const next = clampPosition(target, counts);
    if (samePosition(next, position)) return;
    position = next;
    if (moved && startedAt === undefined) startTimer();
    place(panes.current, next.slide, next.step);
    const upcoming = nextPosition(next, counts);
    if (samePosition(upcoming, next)) {
      place(panes.next, -1, 0);
      nextLabel.textContent = "End of the deck";
    } else {
      place(panes.next, upcoming.slide, upcoming.step);
      nextLabel.textContent =
        upcoming.slide === next.slide
          ? `Next: step ${upcoming.step} of ${counts[next.slide]}`
          : `Next: slide ${upcoming.slide + 1}`;
    }
    const source = sources[next.slide];
    const noteHtml = source?.querySelector(".slide-notes")?.innerHTML.trim();
    notes.innerHTML = noteHtml || "<p><em>No notes for this slide.</em></p>";
    const stepText = counts[next.slide] ? ` · step ${next.step} of ${counts[next.slide]}` : "";
    where.textContent = `Slide ${next.slide + 1} of ${sources.length}${stepText}: ${source?.dataset.title ?? ""}`;
    history.replaceState(null, "", formatSlideHash(next));
    if (audienceLink) audienceLink.hash = formatSlideHash(next);
    tick();
    if (broadcast) channel.send(gotoMessage(next));
  }

  function setBlackout(on: boolean, broadcast: boolean): void {
    blackout = on;
    if (blackoutOut) blackoutOut.hidden = !on;
    if (broadcast) channel.send({ type: "blackout", on });
  }

  // Timer: starts at the speaker's first move, not when the window opens (a presenter often
  // opens it minutes before the talk); pause holds it, reset waits for the next move again.
  let startedAt: number | undefined;
  let pausedAt: number | undefined;
  function startTimer(): void {
    startedAt = Date.now();
    pausedAt = undefined;
    if (pauseButton) pauseButton.textContent = "Pause";
  }
  function tick(): void {
    const now = Date.now();
    const elapsed = startedAt === undefined ? 0 : (pausedAt ?? now) - startedAt;
    elapsedOut.textContent = formatDuration(elapsed);
    if (startedAt === undefined) {
      pacingOut.textContent = "starts at your first slide change";
      pacingOut.dataset.pace = "waiting";
    } else {
      const delta = pacingDelta(elapsed, Math.max(0, position.slide), sources.length, minutes);
      pacingOut.textContent = describePacing(delta);
      pacingOut.dataset.pace = Math.abs(delta) < 30_000 ? "on" : delta > 0 ? "behind" : "ahead";
    }
    clockOut.textContent = new Date(now).toLocaleTimeString([], {
      hour: "2-digit",
      minute: "2-digit",
    });
  }
  setInterval(tick, 1000);

  root.addEventListener("click", (event) => {
    const button =
      event.target instanceof Element ? event.target.closest<HTMLElement>("[data-action]") : null;
    switch (button?.dataset.action) {
      case "previous":
        return render(previousPosition(position, counts), true);
      case "next":
        return render(nextPosition(position, counts), true);
      case "pause":
        if (startedAt === undefined) startTimer();
        else if (pausedAt === undefined) pausedAt = Date.now();
        else {
          startedAt += Date.now() - pausedAt;
          pausedAt = undefined;
        }
        if (pauseButton) pauseButton.textContent = pausedAt === undefined ? "Pause" : "Resume";
        return tick();
      case "reset":
        startedAt = undefined;
        pausedAt = undefined;
        if (pauseButton) pauseButton.textContent = "Start";
        return tick();
      case "notes-smaller":
        return zoomNotes(-1);
      case "notes-larger":
        return zoomNotes(1);
      case "help":
        return toggleHelp();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    const action = keyAction(event, event.target instanceof Element ? event.target : null);
    // A dialog keeps its keys; `?` still closes the help it opened.
    if (document.querySelector("dialog[open]") && action !== "help") return;
    const moves: Partial<Record<string, () => Position>> = {
      next: () => nextPosition(position, counts),
      previous: () => previousPosition(position, counts),
      first: () => ({ slide: 0, step: 0 }),
      last: () => ({ slide: sources.length - 1, step: counts[sources.length - 1] ?? 0 }),
    };
    const move = action ? moves[action] : undefined;
    if (move) {
      event.preventDefault();
      render(move(), true);
    } else if (action === "blackout") {
      event.preventDefault();
      setBlackout(!blackout, true);
    } else if (action === "help") {
      event.preventDefault();
      toggleHelp();
    } else if (action === "fullscreen") {
      event.preventDefault();
      if (document.fullscreenElement) void document.exitFullscreen();
      else void document.documentElement.requestFullscreen?.().catch(() => {});
    } else if (!action && (event.key === "+" || event.key === "=" || event.key === "-")) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      zoomNotes(event.key === "-" ? -1 : 1);
    }
  });

  // Notes zoom: kept per browser, since the same speaker uses the same screen from talk to talk.
  const ZOOM_KEY = "deck-notes-zoom";
  const zoomSteps = [0.8, 0.9, 1, 1.15, 1.3, 1.5, 1.75, 2];
  let zoom = Math.max(0, zoomSteps.indexOf(Number(localStorage.getItem(ZOOM_KEY) ?? 1)));
  function zoomNotes(delta: number): void {
    zoom = Math.min(zoomSteps.length - 1, Math.max(0, zoom + delta));
    const scale = zoomSteps[zoom] ?? 1;
    notes.style.setProperty("--notes-zoom", String(scale));
    localStorage.setItem(ZOOM_KEY, String(scale));
    if (zoomOut) zoomOut.textContent = `${Math.round(scale * 100)}%`;
  }
  const zoomOut = root.querySelector<HTMLElement>("[data-notes-zoom]");
  zoomNotes(0);

  const help = root.querySelector<HTMLDialogElement>("dialog.deck-help");
  function toggleHelp(): void {
    if (help?.open) help.close();
    else help?.showModal();
  }

  render(
    parseSlideHash(
      location.hash,
      sources.map((slide) => slide.dataset.slideId),
    ) ?? { slide: 0, step: 0 },
    false,
    false,
  );
  channel.send({ type: "hello" });
}
