// Time as a port. Everything in the controller and the embedded mesh reads time and sets
// timers through a Clock, in *virtual* milliseconds: the real clock can run N times faster
// (`demo --speed N`), and tests use a manual clock that only moves when told to.

export type Timer = {cancel(): void};

export type Clock = {
	/** Virtual epoch milliseconds. */
	now(): number;
	/** Calls fn after `ms` virtual milliseconds. */
	setTimeout(fn: () => void, ms: number): Timer;
	/** How many virtual milliseconds pass per real millisecond (1 for the wall clock). */
	readonly speed: number;
};

/** The wall clock, optionally sped up: virtual time starts at the real time of creation. */
export function realClock(speed = 1): Clock {
	const start = Date.now();
	const startMonotonic = performance.now();
	return {
		speed,
		now: () => start + (performance.now() - startMonotonic) * speed,
		setTimeout(fn, ms) {
			const handle = setTimeout(fn, Math.max(0, ms / speed));
			handle.unref?.();
			return {cancel: () => clearTimeout(handle)};
		},
	};
}

/** A clock that moves only when advanced; timers fire in time order. */
export class ManualClock implements Clock {
	readonly speed = 1;
	private time: number;
	private sequence = 0;
	private timers: Array<{at: number; seq: number; fn: () => void; cancelled: boolean}> = [];

	constructor(start = Date.UTC(2020, 10, 14, 12, 3, 39)) {
		this.time = start;
	}

	now(): number {
		return this.time;
	}

	setTimeout(fn: () => void, ms: number): Timer {
		const timer = {at: this.time + Math.max(0, ms), seq: this.sequence++, fn, cancelled: false};
		this.timers.push(timer);
		return {cancel: () => (timer.cancelled = true)};
	}

	/** Moves time forward, firing due timers in order (including ones they schedule). */
	advance(ms: number): void {
		const end = this.time + ms;
		for (;;) {
			this.timers = this.timers.filter(timer => !timer.cancelled);
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers[0];
			if (!next || next.at > end) break;
			this.timers.shift();
			this.time = next.at;
			next.fn();
		}
		this.time = end;
	}

	pending(): number {
		return this.timers.filter(timer => !timer.cancelled).length;
	}
}

/**
 * A timeout in virtual ms that lasts at least `realMs` of real time (never more than the
 * virtual timeout at speed 1): at --speed 20 a 5s webhook timeout would otherwise be 250
 * real ms, and a busy machine would fail releases that are healthy.
 */
export function timeoutWithFloor(clock: Clock, virtualMs: number, realMs = 1000): number {
	return Math.max(virtualMs, Math.min(virtualMs, realMs) * clock.speed);
}
