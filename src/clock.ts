/**
 * Port: the current time. Injected so tests can move time without sleeping or faking timers.
 * @publicApi
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
/**
 * DI token of the {@link Clock} port.
 * @publicApi
 */
export const Clock = Symbol('SENTINEL:Clock');

export const systemClock: Clock = { now: () => Date.now() };
