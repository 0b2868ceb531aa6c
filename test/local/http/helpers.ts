// Shared bits of the embedded-mesh tests.
import {Agent, request} from 'node:http';
import type {Address, Directory} from '../../../source/local/http/types.js';

/** A small seeded generator, so statistical tests are repeatable. */
export function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Services by short name ("podinfo-canary.apps"); each resolve takes the next pod in turn. */
export function directoryOf(services: Record<string, Address[]>): Directory {
	const turns = new Map<string, number>();
	return {
		resolve(host) {
			const name = host.replace(/:\d+$/, '').replace(/\.svc\.cluster\.local$/, '');
			const pods = services[name];
			if (!pods || pods.length === 0) return undefined;
			const turn = turns.get(name) ?? 0;
			turns.set(name, turn + 1);
			return pods[turn % pods.length];
		},
	};
}

/** Polls a condition on the real event loop (tests only), for at most `ms` real ms. */
export async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
	const deadline = performance.now() + ms;
	while (!condition()) {
		if (performance.now() > deadline) throw new Error('condition not met in time');
		await new Promise(resolve => setTimeout(resolve, 2));
	}
}

export const realSleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const agent = new Agent({keepAlive: true});

/** GET with a keep-alive agent: quicker than fetch for the many small requests of these tests. */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<{status: number; body: string}> {
	return new Promise((resolve, reject) => {
		const req = request(url, {agent, headers}, res => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end();
	});
}
