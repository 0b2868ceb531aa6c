// The ObjectStore port over a real API server's REST API, with the same semantics as the
// embedded MemoryStore: get (undefined when missing), list, create, update (optimistic
// concurrency: a stale resourceVersion is a Conflict), updateStatus through the `/status`
// subresource, delete, and watch — informer-style list+watch per watched kind that resumes from
// the last resourceVersion, relists on 410 Gone (emitting what changed meanwhile), survives
// dropped connections with capped exponential backoff and stops cleanly.
//
// Reads go to the API server, not to the watch cache, so that a read after a write always
// sees the write (as with the MemoryStore); `cached()` exposes the informers' caches for
// callers that can live with a slightly stale view (the TUI's panels).
import {hostname} from 'node:os';
import type {KubeConfig} from '@kubernetes/client-node';
import type {EventSink} from '../controller/ports.js';
import {KubeHttp, NetworkError, type Reply} from './http.js';
import {ApiError, type KubeObject, type ObjectStore, type WatchEvent} from './objects.js';
import {apiVersionOf, collectionPath, objectPath, qualifiedName, resourceAt, resourceFor, withQuery, type Resource} from './resources.js';
import {rfc3339} from '../core/format/rfc3339.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** An ApiError that also says what was asked: the verb, the resource and where. */
export class KubeApiError extends ApiError {
	constructor(
		reason: ApiError['reason'],
		message: string,
		readonly request: {verb: Verb; resource: string; namespace?: string; name?: string},
		/** HTTP status, 0 when the server was not reached. */
		readonly code: number,
	) {
		super(reason, message);
		this.name = 'KubeApiError';
	}
}

export type KubeStoreOptions = {
	kc: KubeConfig;
	/** The watch's scope: one namespace, or all namespaces when undefined. */
	namespace?: string;
	/** The kinds `watch()` list+watches (default: Canary only, the kind the controller follows). */
	kinds?: string[];
	/** Deliver the first list of each watched kind as ADDED events (default true, as informers do). */
	replayInitialList?: boolean;
	fieldManager?: string;
	/** Per-request timeout (default 30s). */
	timeoutMs?: number;
	/** Server-side length of one watch request before it is renewed (default 5 minutes). */
	watchTimeoutSeconds?: number;
	/** Reconnect backoff: first delay, doubling up to maxMs (defaults 500ms, 30s). */
	backoff?: {initialMs?: number; maxMs?: number};
	/** Watch trouble (a dropped connection, a relist, an error from the server), for the log. */
	onWatchError?: (kind: string, error: Error) => void;
	/** Event-writing failures (recordEvent through an EventSink cannot throw). */
	onEventError?: (error: Error) => void;
};

export type StoreStats = {
	/** All requests sent, watch requests included. */
	requests: number;
	/** By "verb resource", e.g. "update canaries.flagger.app/status": count. */
	byRequest: Record<string, number>;
	byVerb: Record<string, number>;
	/** Watch connections opened after the first one, per kind (drops, timeouts, restarts). */
	watchRestarts: number;
	/** Full relists after the first list (410 Gone). */
	relists: number;
	/** Requests that got no HTTP answer (network errors, timeouts). */
	networkErrors: number;
};

const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const statusMessage = (reply: Reply) =>
	typeof reply.body?.message === 'string' && reply.body.message ? reply.body.message : `HTTP ${reply.status}${reply.text ? `: ${reply.text.slice(0, 300)}` : ''}`;

/** Maps an HTTP answer to the port's reasons, keeping the server's message. */
function reasonOf(reply: Reply): ApiError['reason'] {
	switch (reply.status) {
		case 404:
			return 'NotFound';
		case 409:
			return reply.body?.reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
		case 401:
		case 403:
			return 'Forbidden';
		case 400:
		case 405:
		case 406:
		case 413:
		case 415:
		case 422:
			return 'Invalid';
		default:
			return 'Unavailable';
	}
}

export class KubeStore implements ObjectStore {
	readonly http: KubeHttp;
	private readonly fieldManager: string;
	private readonly counts = new Map<string, number>();
	private readonly listeners = new Set<(event: WatchEvent) => void>();
	private readonly informers = new Map<string, Informer>();
	private readonly events = new Map<string, {name: string; namespace: string; count: number; first: string}>();
	private readonly counters = {watchRestarts: 0, relists: 0, networkErrors: 0};
	private eventChain: Promise<void> = Promise.resolve();

	constructor(readonly options: KubeStoreOptions) {
		this.http = new KubeHttp(options.kc, {timeoutMs: options.timeoutMs});
		this.fieldManager = options.fieldManager ?? 'canary-tui';
	}

	async get(kind: string, namespace: string, name: string): Promise<KubeObject | undefined> {
		const resource = resourceFor(kind);
		const reply = await this.call('get', resource, 'GET', objectPath(resource, namespace, name), {namespace, name}, {}, [404]);
		return reply.status === 404 ? undefined : withKind(reply.body, resource);
	}

	async list(kind: string, namespace?: string): Promise<KubeObject[]> {
		return (await this.listWithVersion(kind, namespace)).items;
	}

	/** A full list (paged by 500) and the resourceVersion a watch can start from. */
	async listWithVersion(kind: string, namespace?: string): Promise<{items: KubeObject[]; resourceVersion: string}> {
		const resource = resourceFor(kind);
		const items: KubeObject[] = [];
		let next: string | undefined;
		for (;;) {
			const path = withQuery(collectionPath(resource, namespace), {limit: 500, continue: next});
			const reply = await this.call('list', resource, 'GET', path, {namespace});
			for (const item of reply.body.items ?? []) items.push(withKind(item, resource));
			next = reply.body.metadata?.continue || undefined;
			if (!next) return {items, resourceVersion: reply.body.metadata?.resourceVersion ?? ''};
		}
	}

	async create(object: KubeObject): Promise<KubeObject> {
		const resource = resourceAt(object.kind, object.apiVersion);
		const namespace = resource.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
		const {resourceVersion, uid, creationTimestamp, generation, managedFields, ...metadata} = object.metadata as KubeObject['metadata'] & {managedFields?: unknown};
		const body = {...object, apiVersion: apiVersionOf(resource), metadata: {...metadata, ...(namespace ? {namespace} : {})}};
		const path = withQuery(collectionPath(resource, namespace), {fieldManager: this.fieldManager});
		const reply = await this.call('create', resource, 'POST', path, {namespace, name: object.metadata.name}, {body});
		return withKind(reply.body, resource);
	}

	async update(object: KubeObject): Promise<KubeObject> {
		return this.put(object);
	}

	async updateStatus(object: KubeObject): Promise<KubeObject> {
		return this.put(object, 'status');
	}

	async delete(kind: string, namespace: string, name: string): Promise<void> {
		const resource = resourceFor(kind);
		const body = {apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background'};
		await this.call('delete', resource, 'DELETE', objectPath(resource, namespace, name), {namespace, name}, {body});
	}

	/**
	 * The listener sees every change made after this call, in order per kind. The first listener
	 * starts one list+watch loop per watched kind (the last one to leave stops them), and — like
	 * an informer — the loop's first list is delivered as ADDED events (unless
	 * `replayInitialList: false`): a caller that also lists after subscribing (Controller.start)
	 * may see an object twice, but cannot miss one created between its list and the watch's. A 410
	 * relist delivers the differences it found. `synced()` resolves once every loop has listed.
	 */
	watch(listener: (event: WatchEvent) => void): () => void {
		this.listeners.add(listener);
		if (this.informers.size === 0) {
			for (const kind of this.options.kinds ?? ['Canary']) {
				const informer = new Informer(this, kind, this.options.namespace, event => {
					for (const each of this.listeners) each({type: event.type, object: structuredClone(event.object)});
				});
				this.informers.set(kind, informer);
				informer.start();
			}
		}
		return () => {
			this.listeners.delete(listener);
			if (this.listeners.size === 0) this.stopInformers();
		};
	}

	/** Resolves when every watched kind has been listed once (and is being watched). */
	async synced(): Promise<void> {
		await Promise.all([...this.informers.values()].map(informer => informer.synced));
	}

	/**
	 * Drops the current watch request of a watched kind and opens a new one, from
	 * `fromResourceVersion` when given (a too-old one makes the server answer 410 Gone, so the
	 * informer relists — how tests reach that path), else from the last one seen.
	 */
	restartWatch(kind: string, fromResourceVersion?: string): void {
		const informer = this.informers.get(kind);
		if (!informer) throw new Error(`canary-tui: ${kind} is not watched (kinds: ${(this.options.kinds ?? ['Canary']).join(', ')})`);
		informer.restart(fromResourceVersion);
	}

	/** The watch cache of a watched kind (copies), e.g. for display. */
	cached(kind: string, namespace?: string): KubeObject[] {
		const informer = this.informers.get(kind);
		if (!informer) throw new Error(`canary-tui: ${kind} is not watched (kinds: ${(this.options.kinds ?? ['Canary']).join(', ')})`);
		return [...informer.cache.values()].filter(object => namespace === undefined || object.metadata.namespace === namespace).map(object => structuredClone(object));
	}

	/** Stops watching and closes the connections. */
	async close(): Promise<void> {
		this.listeners.clear();
		await this.stopInformers();
		this.http.close();
	}

	stats(): StoreStats {
		const byRequest = Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
		const byVerb: Record<string, number> = {};
		for (const [key, count] of this.counts) {
			const verb = key.slice(0, key.indexOf(' '));
			byVerb[verb] = (byVerb[verb] ?? 0) + count;
		}
		const requests = Object.values(byVerb).reduce((sum, count) => sum + count, 0);
		return {requests, byRequest, byVerb, ...this.counters};
	}

	resetStats(): void {
		this.counts.clear();
		this.counters.watchRestarts = this.counters.relists = this.counters.networkErrors = 0;
	}

	/**
	 * A core/v1 Event on the Canary (or any object), as Flagger's event recorder writes it. Like
	 * client-go's event correlator, an event identical to one already written (same object,
	 * type, reason and message) increments that Event's `count` and `lastTimestamp` instead of
	 * adding another object.
	 */
	async recordEvent(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, now = Date.now()): Promise<KubeObject> {
		const {metadata} = involved;
		const namespace = metadata.namespace ?? 'default';
		const apiVersion = involved.apiVersion || apiVersionOf(resourceFor(involved.kind));
		const key = JSON.stringify([apiVersion, involved.kind, namespace, metadata.name, metadata.uid ?? '', type, reason, message]);
		const time = rfc3339(now);
		const seen = this.events.get(key);
		if (seen) {
			const patch = {count: seen.count + 1, lastTimestamp: time};
			try {
				const resource = resourceFor('Event');
				const path = withQuery(objectPath(resource, seen.namespace, seen.name), {fieldManager: this.fieldManager});
				const reply = await this.call('patch', resource, 'PATCH', path, {namespace: seen.namespace, name: seen.name}, {body: patch, contentType: 'application/merge-patch+json'});
				seen.count += 1;
				return withKind(reply.body, resource);
			} catch (error) {
				// Expired (events live an hour by default) or deleted: start a new one.
				if (!(error instanceof ApiError && error.reason === 'NotFound')) throw error;
				this.events.delete(key);
			}
		}
		const name = `${metadata.name}.${(BigInt(now) * 1_000_000n + BigInt(process.hrtime()[1] % 1_000_000)).toString(16)}`;
		const created = await this.create({
			apiVersion: 'v1',
			kind: 'Event',
			metadata: {name, namespace},
			involvedObject: {apiVersion, kind: involved.kind, name: metadata.name, namespace, uid: metadata.uid, resourceVersion: metadata.resourceVersion},
			reason,
			message,
			type,
			source: {component: 'canary-tui'},
			reportingComponent: 'canary-tui',
			reportingInstance: hostname(),
			firstTimestamp: time,
			lastTimestamp: time,
			count: 1,
		});
		if (this.events.size >= 4096) this.events.delete(this.events.keys().next().value!);
		this.events.set(key, {name, namespace, count: 1, first: time});
		return created;
	}

	/** An EventSink for the Controller: each recorded event becomes a Kubernetes Event (reason Synced). */
	eventSink(next?: EventSink): EventSink {
		return {
			record: (canary, event) => {
				next?.record(canary, event);
				// One at a time, so the API server's order (resourceVersion) is the order they happened in.
				this.eventChain = this.eventChain
					.then(() => this.recordEvent(canary as unknown as KubeObject, event.type, 'Synced', event.message))
					.then(
						() => undefined,
						error => this.options.onEventError?.(error as Error),
					);
			},
		};
	}

	// -------------------------------------------------------------------------------------------

	private async put(object: KubeObject, subresource?: 'status'): Promise<KubeObject> {
		const resource = resourceAt(object.kind, object.apiVersion);
		const namespace = resource.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
		const path = withQuery(objectPath(resource, namespace, object.metadata.name, subresource), {fieldManager: this.fieldManager});
		const where = {namespace, name: object.metadata.name, subresource};
		const send = async (resourceVersion: string | undefined) => {
			const body = {...object, apiVersion: apiVersionOf(resource), metadata: {...object.metadata, resourceVersion, ...(namespace ? {namespace} : {})}};
			return withKind((await this.call('update', resource, 'PUT', path, where, {body})).body, resource);
		};
		if (object.metadata.resourceVersion) return send(object.metadata.resourceVersion);
		// No resourceVersion: an unconditional write, as the MemoryStore allows. Custom resources
		// require one, so write over the current version (re-read on a race).
		for (let attempt = 0; ; attempt++) {
			const current = await this.get(object.kind, namespace ?? '', object.metadata.name);
			if (!current) throw new KubeApiError('NotFound', `${qualifiedName(resource)} "${object.metadata.name}" not found`, {verb: 'update', resource: qualifiedName(resource), ...where}, 404);
			try {
				return await send(current.metadata.resourceVersion);
			} catch (error) {
				if (!(error instanceof ApiError && error.reason === 'Conflict') || attempt >= 4) throw error;
			}
		}
	}

	/** Sends one counted request; a non-2xx answer (unless `allowed`) throws a KubeApiError. */
	async call(
		verb: Verb,
		resource: Resource,
		method: string,
		path: string,
		where: {namespace?: string; name?: string; subresource?: string},
		options: {body?: unknown; contentType?: string} = {},
		allowed: number[] = [],
	): Promise<Reply> {
		const name = `${qualifiedName(resource)}${where.subresource ? `/${where.subresource}` : ''}`;
		this.count(`${verb} ${name}`);
		const request = {verb, resource: name, namespace: where.namespace, name: where.name};
		let reply: Reply;
		try {
			reply = await this.http.request(method, path, options);
		} catch (error) {
			this.counters.networkErrors++;
			throw new KubeApiError('Unavailable', `${verb} ${name}: ${(error as Error).message}`, request, 0);
		}
		if ((reply.status >= 200 && reply.status < 300) || allowed.includes(reply.status)) return reply;
		throw new KubeApiError(reasonOf(reply), statusMessage(reply), request, reply.status);
	}

	count(key: string): void {
		this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
	}

	countRestart(): void {
		this.counters.watchRestarts++;
	}

	countRelist(): void {
		this.counters.relists++;
	}

	private async stopInformers(): Promise<void> {
		const stopping = [...this.informers.values()].map(informer => informer.stop());
		this.informers.clear();
		await Promise.all(stopping);
	}
}

/** List items come without kind and apiVersion; the port's objects always carry them. */
function withKind(object: any, resource: Resource): KubeObject {
	return {...object, apiVersion: object.apiVersion ?? apiVersionOf(resource), kind: object.kind ?? resource.kind};
}

/** List+watch of one kind, like client-go's reflector feeding a store. */
class Informer {
	readonly cache = new Map<string, KubeObject>();
	readonly synced: Promise<void>;
	private resolveSynced!: () => void;
	private resourceVersion?: string;
	private readonly abort = new AbortController();
	/** The current watch request's, aborted by stop() and restart(). */
	private request = new AbortController();
	private running?: Promise<void>;
	private sleeping?: {timer: NodeJS.Timeout; wake: () => void};
	private listedOnce = false;
	private forced?: string;

	constructor(
		private readonly store: KubeStore,
		private readonly kind: string,
		private readonly namespace: string | undefined,
		private readonly emit: (event: WatchEvent) => void,
	) {
		this.synced = new Promise(resolve => (this.resolveSynced = resolve));
	}

	start(): void {
		this.running = this.loop();
	}

	restart(fromResourceVersion?: string): void {
		this.forced = fromResourceVersion;
		this.request.abort();
		if (this.sleeping) {
			clearTimeout(this.sleeping.timer);
			this.sleeping.wake();
		}
	}

	async stop(): Promise<void> {
		this.abort.abort();
		this.request.abort();
		if (this.sleeping) {
			clearTimeout(this.sleeping.timer);
			this.sleeping.wake();
		}
		await this.running;
	}

	private get stopped(): boolean {
		return this.abort.signal.aborted;
	}

	private async loop(): Promise<void> {
		const {initialMs = 500, maxMs = 30_000} = this.store.options.backoff ?? {};
		let delay = initialMs;
		let watches = 0;
		while (!this.stopped) {
			try {
				if (this.resourceVersion === undefined) await this.relist();
				if (this.stopped) break;
				if (watches++ > 0) this.store.countRestart();
				if (this.forced !== undefined) [this.resourceVersion, this.forced] = [this.forced, undefined];
				const started = Date.now();
				let received = false;
				const outcome = await this.watchOnce(() => {
					received = true;
					delay = initialMs;
				});
				if (outcome === 'gone') this.resourceVersion = undefined;
				// A watch the server ended (its timeout, a graceful shutdown) is renewed at once,
				// unless it ended at once without a word (a server going down): then back off.
				if (outcome === 'gone' || received || Date.now() - started > 1000) continue;
			} catch (error) {
				if (this.stopped) break;
				this.store.options.onWatchError?.(this.kind, error as Error);
			}
			await this.sleep(delay * (0.8 + Math.random() * 0.4));
			delay = Math.min(maxMs, delay * 2);
		}
	}

	/** Lists and makes the cache equal to the list; after the first list, emits the differences. */
	private async relist(): Promise<void> {
		const {items, resourceVersion} = await this.store.listWithVersion(this.kind, this.namespace);
		if (this.stopped) return;
		const fresh = new Map(items.map(item => [keyOf(item), item]));
		if (!this.listedOnce && this.store.options.replayInitialList !== false) {
			for (const item of items) this.emit({type: 'ADDED', object: item});
		}
		if (this.listedOnce) {
			this.store.countRelist();
			for (const [key, old] of this.cache) if (!fresh.has(key)) this.emit({type: 'DELETED', object: old});
			for (const [key, item] of fresh) {
				const old = this.cache.get(key);
				if (!old) this.emit({type: 'ADDED', object: item});
				else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) this.emit({type: 'MODIFIED', object: item});
			}
		}
		this.cache.clear();
		for (const [key, item] of fresh) this.cache.set(key, item);
		this.resourceVersion = resourceVersion;
		this.listedOnce = true;
		this.resolveSynced();
	}

	/** One watch request from the last resourceVersion: 'ended' when the server closed it, 'gone' on 410. */
	private async watchOnce(connected: () => void): Promise<'ended' | 'gone'> {
		const resource = resourceFor(this.kind);
		const timeoutSeconds = this.store.options.watchTimeoutSeconds ?? 300;
		const path = withQuery(collectionPath(resource, this.namespace), {
			watch: 1,
			resourceVersion: this.resourceVersion,
			allowWatchBookmarks: true,
			timeoutSeconds,
		});
		this.store.count(`watch ${qualifiedName(resource)}`);
		this.request = new AbortController();
		let gone = false;
		let failure: Error | undefined;
		const reply = await this.store.http.stream(
			path,
			line => {
				if (gone || failure) return;
				let event: {type: string; object: any};
				try {
					event = JSON.parse(line);
				} catch {
					failure = new Error(`watch ${qualifiedName(resource)}: unreadable event ${line.slice(0, 200)}`);
					return;
				}
				connected();
				this.handle(event, resource, value => (gone = value), error => (failure = error));
			},
			{signal: this.request.signal, idleTimeoutMs: (timeoutSeconds + 30) * 1000},
		);
		if (reply) {
			if (reply.status === 410) return 'gone';
			throw new KubeApiError(reasonOf(reply), `watch ${qualifiedName(resource)}: ${statusMessage(reply)}`, {verb: 'watch', resource: qualifiedName(resource), namespace: this.namespace}, reply.status);
		}
		if (failure) throw failure;
		return gone ? 'gone' : 'ended';
	}

	private handle(event: {type: string; object: any}, resource: Resource, setGone: (gone: boolean) => void, fail: (error: Error) => void): void {
		const {type} = event;
		if (type === 'BOOKMARK') {
			this.resourceVersion = event.object?.metadata?.resourceVersion ?? this.resourceVersion;
			return;
		}
		if (type === 'ERROR') {
			const status = event.object ?? {};
			if (status.code === 410) setGone(true);
			else fail(new KubeApiError(status.code === 403 ? 'Forbidden' : 'Unavailable', `watch ${qualifiedName(resource)}: ${status.message ?? JSON.stringify(status)}`, {verb: 'watch', resource: qualifiedName(resource), namespace: this.namespace}, status.code ?? 0));
			return;
		}
		if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
		const object = withKind(event.object, resource);
		this.resourceVersion = object.metadata.resourceVersion ?? this.resourceVersion;
		const key = keyOf(object);
		if (type === 'DELETED') this.cache.delete(key);
		else this.cache.set(key, object);
		this.emit({type, object});
	}

	private sleep(ms: number): Promise<void> {
		if (this.stopped) return Promise.resolve();
		return new Promise(resolve => {
			const wake = () => {
				this.sleeping = undefined;
				resolve();
			};
			this.sleeping = {timer: setTimeout(wake, ms), wake};
		});
	}
}

export {NetworkError};
