// Background delivery for event webhooks and alerts: the tick hands a job over and goes on.
// Jobs of one key (one canary) run one after another, so a receiver sees them in the order they
// were recorded; a receiver that hangs holds only its own queue, which is bounded: when full,
// new jobs are dropped and counted, and the count is reported once the queue drains.

export class DeliveryQueue<Subject> {
	private readonly queues = new Map<string, Array<() => Promise<void>>>();
	private readonly dropped = new Map<string, {subject: Subject; count: number}>();
	private readonly idle = new Set<() => void>();
	private closed = false;

	constructor(
		private readonly options: {
			/** Reported once the queue of `subject` drains, when jobs were dropped. */
			onDropped: (subject: Subject, count: number) => void;
			/** Jobs waiting per key, besides the one running. */
			capacity?: number;
		},
	) {}

	push(key: string, subject: Subject, job: () => Promise<void>): void {
		if (this.closed) return;
		const queue = this.queues.get(key);
		if (!queue) {
			this.queues.set(key, [job]);
			void this.drain(key);
			return;
		}
		if (queue.length > (this.options.capacity ?? 100)) {
			this.dropped.set(key, {subject, count: (this.dropped.get(key)?.count ?? 0) + 1});
			return;
		}
		queue.push(job);
	}

	/**
	 * Shutdown: waiting jobs are dropped and new ones refused, so a dead receiver cannot keep the
	 * process alive for a whole backlog of timeouts; a running job ends within its own timeout.
	 */
	close(): void {
		this.closed = true;
		for (const queue of this.queues.values()) queue.splice(1);
		this.dropped.clear();
	}

	/** Resolves once every job pushed so far has finished (tests, orderly shutdown). */
	settled(): Promise<void> {
		if (this.queues.size === 0) return Promise.resolve();
		return new Promise(resolve => this.idle.add(resolve));
	}

	private async drain(key: string): Promise<void> {
		const queue = this.queues.get(key)!;
		while (queue.length > 0) {
			try {
				await queue[0]!();
			} catch {
				// A job reports its own failures; one that throws must not stop the queue.
			}
			queue.shift();
		}
		this.queues.delete(key);
		const dropped = this.dropped.get(key);
		if (dropped) {
			this.dropped.delete(key);
			this.options.onDropped(dropped.subject, dropped.count);
		}
		if (this.queues.size === 0) {
			for (const resolve of this.idle) resolve();
			this.idle.clear();
		}
	}
}
