import { describe, expect, it } from "vitest";
import {
  type ActorRef,
  Behaviors,
  Effect,
  EventSourcedBehavior,
  EventSourcedBehaviorTestKit,
} from "../index";
import { type Cmd, counter, type State } from "./counter";
import { WRITE_MODES } from "./harness";

describe.each(WRITE_MODES)(
  "EventSourcedBehaviorTestKitSpec (conformance, $mode)",
  ({ immediateWrites }) => {
    const kitFor = () =>
      EventSourcedBehaviorTestKit.create<Cmd, unknown, State>(counter("kit-1"), {
        immediateWrites,
      });

    it("EventSourcedBehaviorTestKitSpec: must run commands", async () => {
      const kit = await kitFor();
      const r1 = await kit.runCommand({ type: "inc" });
      expect(r1.events).toEqual([{ type: "incremented", delta: 1 }]);
      expect(r1.state.value).toBe(1);
      const r2 = await kit.runCommand({ type: "inc" });
      expect(r2.state).toMatchObject({ value: 2, history: [0, 1] });
    });

    it("EventSourcedBehaviorTestKitSpec: must run command emitting several events", async () => {
      const kit = await kitFor();
      const r = await kit.runCommand({ type: "incTwice" });
      expect(r.events).toHaveLength(2);
      expect(r.state.value).toBe(2);
    });

    it("EventSourcedBehaviorTestKitSpec: must run commands with reply", async () => {
      const kit = await kitFor();
      const r = await kit.runCommand<string>((replyTo) => ({ type: "inc", id: "ack", replyTo }));
      expect(r.reply).toBe("ack");
      expect(r.state.value).toBe(1);
    });

    it("EventSourcedBehaviorTestKitSpec: must detect missing reply", async () => {
      const kit = await kitFor();
      await expect(kit.runCommand<string>(() => ({ type: "inc" }))).rejects.toThrow(
        /Missing expected reply/,
      );
    });

    it("EventSourcedBehaviorTestKitSpec: must run command with reply that is not emitting events", async () => {
      const kit = await kitFor();
      const r = await kit.runCommand<State>((replyTo) => ({ type: "get", replyTo }));
      expect(r.events).toEqual([]);
      expect(r.reply?.value).toBe(0);
    });

    it("EventSourcedBehaviorTestKitSpec: must run command with no reply", async () => {
      const kit = await kitFor();
      const r = await kit.runCommand({ type: "none" });
      expect(r.events).toEqual([]);
      expect(r.reply).toBeUndefined();
    });

    it("EventSourcedBehaviorTestKitSpec: must give access to current state", async () => {
      const kit = await kitFor();
      await kit.runCommand({ type: "inc" });
      expect((await kit.getState()).value).toBe(1);
    });

    it("EventSourcedBehaviorTestKitSpec: must support test of replay", async () => {
      const kit = await kitFor();
      for (let i = 0; i < 3; i++) await kit.runCommand({ type: "inc" });
      const state = await kit.restart();
      expect(state).toMatchObject({ value: 3, history: [0, 1, 2] });
    });

    it("EventSourcedBehaviorTestKitSpec: must support test of invalid events", async () => {
      const kit = await kitFor();
      await kit.journal.append([
        {
          persistenceId: "kit-1",
          sequenceNr: 1,
          event: { type: "bad" },
          timestamp: 0,
          tags: [],
          writerUuid: "x",
          manifest: "",
        },
      ]);
      await expect(kit.restart()).rejects.toThrow(/stopped/);
    });

    it("EventSourcedBehaviorTestKitSpec: must support test of failures", async () => {
      const kit = await kitFor();
      await kit.runCommand({ type: "inc" });
      await kit.runCommand({ type: "inc" });
      kit.journal.failNextAppend();
      const failed = await kit.runCommand({ type: "inc" });
      expect(failed.stopped).toBe(true);
      expect((await kit.restart()).value).toBe(2);
      expect((await kit.runCommand({ type: "inc" })).state.value).toBe(3);
    });

    it("EventSourcedBehaviorTestKitSpec: must have possibility to clear", async () => {
      const kit = await kitFor();
      await kit.runCommand({ type: "inc" });
      expect((await kit.runCommand({ type: "inc" })).state.value).toBe(2);
      await kit.clear();
      expect((await kit.runCommand({ type: "inc" })).state).toMatchObject({
        value: 1,
        history: [0],
      });
    });

    it("EventSourcedBehaviorTestKitSpec: accepts a behaviour wrapped in Behaviors.setup, whose handlers use the ActorContext", async () => {
      type C = { type: "whoami"; replyTo: ActorRef<string> };
      const wrapped = Behaviors.setup<C>((ctx) =>
        EventSourcedBehavior.create<C, string, string[]>({
          persistenceId: "setup-1",
          emptyState: [],
          commandHandler: (_s, cmd) =>
            Effect.persist<string, string[]>(ctx.self.path).thenReply(
              cmd.replyTo,
              (s) => s.at(-1) ?? "",
            ),
          eventHandler: (s, e) => [...s, e],
        }),
      );
      const kit = await EventSourcedBehaviorTestKit.create<C, string, string[]>(wrapped, {
        immediateWrites,
      });
      const r = await kit.runCommand<string>((replyTo) => ({ type: "whoami", replyTo }));
      expect(r.reply).toMatch(/testkit\/system\/entity-0$/);
      expect(r.events).toEqual([r.reply]);
      expect(await kit.restart()).toEqual([r.reply]);
    });

    it("EventSourcedBehaviorTestKitSpec: the same seed gives the same command-handler draws in a test kit", async () => {
      type C = { type: "draw" };
      const drawing = EventSourcedBehavior.create<C, number, number[]>({
        persistenceId: "draws",
        emptyState: [],
        commandHandler: (_s, _c, ctx) => Effect.persist<number, number[]>(ctx.random()),
        eventHandler: (s, e) => [...s, e],
      });
      const a = await EventSourcedBehaviorTestKit.create(drawing, { seed: 5, immediateWrites });
      const b = await EventSourcedBehaviorTestKit.create(drawing, { seed: 5, immediateWrites });
      await a.runCommand({ type: "draw" });
      await b.runCommand({ type: "draw" });
      expect(await a.persistedEvents()).toEqual(await b.persistedEvents());
    });

    it("EventSourcedBehaviorTestKitSpec: a new incarnation never repeats the draws of an earlier one", async () => {
      type C = { type: "draw" };
      const drawing = EventSourcedBehavior.create<C, number, number[]>({
        persistenceId: "draws",
        emptyState: [],
        commandHandler: (_s, _c, ctx) => Effect.persist<number, number[]>(ctx.random()),
        eventHandler: (s, e) => [...s, e],
      });
      const kit = await EventSourcedBehaviorTestKit.create(drawing, { seed: 5, immediateWrites });
      for (let i = 0; i < 3; i++) await kit.runCommand({ type: "draw" });
      await kit.restart();
      for (let i = 0; i < 3; i++) await kit.runCommand({ type: "draw" });
      const draws = await kit.persistedEvents();
      expect(new Set(draws).size).toBe(6);
    });
  },
);
