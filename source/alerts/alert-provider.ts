// An alert's AlertProvider (`flagger.app/v1beta1`), read through the ObjectStore when the alert
// is sent, as Flagger does: `providerRef.namespace` defaults to the canary's; the address is
// `spec.address`, or the `address` key of the Secret in `spec.secretRef` (with optional `proxy`
// and `token` keys) in the provider's namespace. Errors carry Flagger's log wording.
import type {CanaryAlert} from '../core/spec/types.js';
import type {KubeObject, ObjectStore} from '../kube/objects.js';
import type {NotifierConfig} from './notifier.js';
import {providerTypes, type ProviderType} from './payloads.js';

export type AlertProviderSpec = {type?: string; channel?: string; username?: string; address?: string; proxy?: string; secretRef?: {name?: string}};

export type ResolvedProvider = {ok: true; label: string; config: NotifierConfig} | {ok: false; error: string};

export async function resolveProvider(store: Pick<ObjectStore, 'get'>, alert: CanaryAlert, canaryNamespace: string): Promise<ResolvedProvider> {
	const namespace = alert.providerRef.namespace || canaryNamespace;
	const name = alert.providerRef.name;
	const label = `${name}.${namespace}`;
	const failed = (error: string): ResolvedProvider => ({ok: false, error: `alert provider ${label} ${error}`});
	let provider: KubeObject | undefined;
	try {
		provider = await store.get('AlertProvider', namespace, name);
	} catch (error) {
		return failed(`error: ${(error as Error).message}`);
	}
	if (!provider) return failed(`error: alertproviders.flagger.app "${name}" not found`);
	const spec = (provider.spec ?? {}) as AlertProviderSpec;
	if (!providerTypes.includes(spec.type as ProviderType)) return failed(`error: provider ${spec.type ?? ''} not supported`);
	const config: NotifierConfig = {type: spec.type as ProviderType, address: spec.address ?? '', proxy: spec.proxy, username: spec.username, channel: spec.channel};
	if (spec.secretRef?.name) {
		let secret: KubeObject | undefined;
		try {
			secret = await store.get('Secret', namespace, spec.secretRef.name);
		} catch (error) {
			return failed(`secretRef error: ${(error as Error).message}`);
		}
		if (!secret) return failed(`secretRef error: secrets "${spec.secretRef.name}" not found`);
		const data = secretData(secret);
		if (!data['address']) return failed('secret does not contain an address');
		config.address = data['address'];
		if (data['proxy']) config.proxy = data['proxy'];
		if (data['token']) config.token = data['token'];
	}
	return {ok: true, label, config};
}

/** A Secret's values: `data` is base64 (the API server's form), `stringData` plain (manifests). */
export function secretData(secret: KubeObject): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of Object.entries((secret['stringData'] ?? {}) as Record<string, string>)) values[key] = String(value).trim();
	for (const [key, value] of Object.entries((secret['data'] ?? {}) as Record<string, string>)) {
		values[key] ??= Buffer.from(String(value), 'base64').toString('utf8').trim();
	}
	return values;
}
