// The background queue behind event webhooks and alerts: one job at a time per canary, in order,
// canaries independent, a bounded backlog whose overflow is counted and reported.
import {describe, expect, it} from 'vitest';
import {DeliveryQueue} from '../../source/webhooks/delivery-queue.js';

describe('delivery queue', () => {
	it('runs the jobs of one key in order, one at a time; other keys do not wait', async () => {
		const dropped: Array<[string, number]> = [];
		const queue = new DeliveryQueue<string>({onDropped: (subject, count) => dropped.push([subject, count])});
		const log: string[] = [];
		let release!: () => void;
		const gate = new Promise<void>(resolve => (release = resolve));
		queue.push('podinfo', 'podinfo', async () => {
			log.push('podinfo 1 start');
			await gate;
			log.push('podinfo 1 end');
		});
		queue.push('podinfo', 'podinfo', async () => void log.push('podinfo 2'));
		queue.push('checkout', 'checkout', async () => void log.push('checkout 1'));
		await new Promise(resolve => setImmediate(resolve));
		expect(log).toEqual(['podinfo 1 start', 'checkout 1']);
		release();
		await queue.settled();
		expect(log).toEqual(['podinfo 1 start', 'checkout 1', 'podinfo 1 end', 'podinfo 2']);
		expect(dropped).toEqual([]);
	});

	it('drops what does not fit behind a stuck job and reports the count once it drains', async () => {
		const dropped: Array<[string, number]> = [];
		const queue = new DeliveryQueue<string>({capacity: 2, onDropped: (subject, count) => dropped.push([subject, count])});
		const ran: number[] = [];
		let release!: () => void;
		const gate = new Promise<void>(resolve => (release = resolve));
		queue.push('podinfo', 'podinfo.apps', () => gate);
		for (let i = 1; i <= 5; i++) queue.push('podinfo', 'podinfo.apps', async () => void ran.push(i));
		expect(dropped).toEqual([]);
		release();
		await queue.settled();
		expect(ran).toEqual([1, 2]);
		expect(dropped).toEqual([['podinfo.apps', 3]]);
	});

	it('on close, the running job finishes and the waiting ones are dropped without a report', async () => {
		const dropped: number[] = [];
		const queue = new DeliveryQueue<string>({onDropped: (_s, count) => dropped.push(count)});
		const ran: string[] = [];
		let release!: () => void;
		const gate = new Promise<void>(resolve => (release = resolve));
		queue.push('k', 'k', async () => {
			await gate;
			ran.push('running');
		});
		queue.push('k', 'k', async () => void ran.push('waiting'));
		queue.close();
		queue.push('k', 'k', async () => void ran.push('after close'));
		release();
		await queue.settled();
		expect(ran).toEqual(['running']);
		expect(dropped).toEqual([]);
	});

	it('a job that throws does not stop the queue', async () => {
		const queue = new DeliveryQueue<string>({onDropped: () => {}});
		const ran: string[] = [];
		queue.push('k', 'k', async () => {
			throw new Error('boom');
		});
		queue.push('k', 'k', async () => void ran.push('after'));
		await queue.settled();
		expect(ran).toEqual(['after']);
	});
});
