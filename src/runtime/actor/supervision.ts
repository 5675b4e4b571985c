import type { Random } from "../sim/random";

/** Settings for {@link SupervisorStrategy.restartWithBackoff}. All times are in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first restart. */
  minBackoff: number;
  /** The delay doubles on each consecutive failure up to this cap. */
  maxBackoff: number;
  /** Adds up to this fraction of random extra delay, so restarts of many actors spread out. */
  randomFactor: number;
  /**
   * After running this long without failing, the next failure starts again from minBackoff.
   * Defaults to the average of minBackoff and maxBackoff, as in Akka.
   */
  resetBackoffAfter?: number;
}

/**
 * What a supervisor does when its behaviour throws.
 * - `stop` (the default): the actor stops; watchers get `Terminated`.
 * - `resume`: drop the failing message and keep the current state.
 * - `restart`: throw the state away and start the behaviour again (optionally limited).
 * - `backoff`: restart after min·2ⁿ ms (capped, with jitter); messages wait meanwhile.
 */
export type SupervisorStrategy =
  | { readonly kind: "stop" }
  | { readonly kind: "resume" }
  | {
      readonly kind: "restart";
      readonly maxRestarts: number;
      readonly withinMs: number;
      /** Whether children are stopped on restart (Akka's default: true). */
      readonly stopChildren: boolean;
    }
  | ({ readonly kind: "backoff" } & Required<BackoffOptions>);

/**
 * Factories for supervision strategies, used with `Behaviors.supervise`.
 *
 * @example Back off on one kind of error, restart a few times on others
 * ```ts
 * declare const worker: Behavior<string>;
 * declare class DatabaseDown extends Error {}
 * const supervised = Behaviors.supervise(worker)
 *   .onFailure(
 *     DatabaseDown,
 *     SupervisorStrategy.restartWithBackoff({ minBackoff: 1_000, maxBackoff: 30_000, randomFactor: 0.2 }),
 *   )
 *   // Any other error: restart, but a fourth failure within a minute stops the actor.
 *   .onFailure(SupervisorStrategy.restartWithLimit(3, 60_000));
 * ```
 */
export const SupervisorStrategy = {
  /** Stop the failing actor (the default); its watchers get `Terminated`. */
  stop: Object.freeze({ kind: "stop" }) as SupervisorStrategy,
  /** Drop the message that failed and keep the actor's current state and behaviour. */
  resume: Object.freeze({ kind: "resume" }) as SupervisorStrategy,
  /** Restart from the initial behaviour (state is lost), as often as it fails; children stop. */
  restart: Object.freeze({
    kind: "restart",
    maxRestarts: Number.POSITIVE_INFINITY,
    withinMs: Number.POSITIVE_INFINITY,
    stopChildren: true,
  }) as SupervisorStrategy,
  /** Restart at most `maxRestarts` times within `withinMs`; one more failure stops the actor. */
  restartWithLimit(maxRestarts: number, withinMs: number): SupervisorStrategy {
    return { kind: "restart", maxRestarts, withinMs, stopChildren: true };
  },
  /**
   * Restart after an exponentially growing delay (`minBackoff`·2ⁿ, capped at `maxBackoff`, plus
   * jitter), so a failing dependency is not hammered; messages wait in the mailbox meanwhile.
   * Throws a RangeError unless 0 < minBackoff ≤ maxBackoff and randomFactor ≥ 0.
   *
   * @example Reconnecting after ≈0.5 s, 1 s, 2 s … up to 10 s
   * ```ts
   * declare const connection: Behavior<string>;
   * const resilient = Behaviors.supervise(connection).onFailure(
   *   SupervisorStrategy.restartWithBackoff({
   *     minBackoff: 500,
   *     maxBackoff: 10_000,
   *     randomFactor: 0.2,
   *     resetBackoffAfter: 60_000, // a minute without failing starts again from 500 ms
   *   }),
   * );
   * ```
   */
  restartWithBackoff(options: BackoffOptions): SupervisorStrategy {
    const { minBackoff, maxBackoff, randomFactor } = options;
    if (!(minBackoff > 0) || !(maxBackoff >= minBackoff)) {
      throw new RangeError(
        `restartWithBackoff: need 0 < minBackoff <= maxBackoff, got ${minBackoff} and ${maxBackoff}`,
      );
    }
    if (!(randomFactor >= 0)) throw new RangeError(`restartWithBackoff: randomFactor must be >= 0`);
    return {
      kind: "backoff",
      minBackoff,
      maxBackoff,
      randomFactor,
      resetBackoffAfter: options.resetBackoffAfter ?? (minBackoff + maxBackoff) / 2,
    };
  },
} as const;

/**
 * The delay before restart number `attempt` (0-based): min·2ⁿ capped at max, then stretched by
 * a random factor in [1, 1 + randomFactor).
 */
export function backoffDelay(
  attempt: number,
  options: Pick<BackoffOptions, "minBackoff" | "maxBackoff" | "randomFactor">,
  random: Random,
): number {
  const base = Math.min(options.maxBackoff, options.minBackoff * 2 ** Math.min(attempt, 52));
  return base * (1 + random.next() * options.randomFactor);
}
