// HTTP match conditions of a Canary (Istio/App Mesh HTTPMatchRequest) evaluated the way Envoy
// does: rules are ORed, conditions inside a rule ANDed, header names case-insensitive, and a
// regex must match the whole value (RE2 full match).
import type {HttpMatchRequest, StringMatch} from '../../core/spec/types.js';

export type MatchableRequest = {method: string; path: string; headers: Record<string, string | string[] | undefined>};

/** True when any rule matches; no rules at all match every request, like a route without conditions. */
export function matchesRequest(rules: HttpMatchRequest[] | undefined, req: MatchableRequest): boolean {
	if (!rules || rules.length === 0) return true;
	return rules.some(rule => matchesRule(rule, req));
}

/** Weights sum to 100: the canary gets the request when random()*100 < canary. */
export function pickWeighted(primary: number, canary: number, random: () => number): 'primary' | 'canary' {
	const total = primary + canary;
	if (canary <= 0 || total <= 0) return 'primary';
	return random() * total < canary ? 'canary' : 'primary';
}

function matchesRule(rule: HttpMatchRequest, req: MatchableRequest): boolean {
	const queryAt = req.path.indexOf('?');
	const path = queryAt === -1 ? req.path : req.path.slice(0, queryAt);
	if (rule.uri) {
		const uri = rule.ignoreUriCase ? lowerCased(rule.uri) : rule.uri;
		if (!matchesString(uri, rule.ignoreUriCase ? path.toLowerCase() : path)) return false;
	}
	if (rule.method && !matchesString(rule.method, req.method.toUpperCase())) return false;
	if (rule.scheme && !matchesString(rule.scheme, 'http')) return false;
	if (rule.authority && !matchesString(rule.authority, header(req.headers, 'host'))) return false;
	for (const [name, condition] of Object.entries(rule.headers ?? {})) {
		if (!matchesString(condition, header(req.headers, name))) return false;
	}
	for (const [name, condition] of Object.entries(rule.withoutHeaders ?? {})) {
		if (matchesString(condition, header(req.headers, name))) return false;
	}
	if (rule.queryParams) {
		const query = new URLSearchParams(queryAt === -1 ? '' : req.path.slice(queryAt + 1));
		for (const [name, condition] of Object.entries(rule.queryParams)) {
			if (!matchesString(condition, query.get(name) ?? undefined)) return false;
		}
	}
	return true;
}

/** A missing value never matches; an empty condition only asks for presence. */
function matchesString(condition: StringMatch, value: string | undefined): boolean {
	if (value === undefined) return false;
	if (condition.exact !== undefined && value !== condition.exact) return false;
	if (condition.prefix !== undefined && !value.startsWith(condition.prefix)) return false;
	if (condition.suffix !== undefined && !value.endsWith(condition.suffix)) return false;
	if (condition.regex !== undefined && !fullMatch(condition.regex).test(value)) return false;
	return true;
}

function header(headers: MatchableRequest['headers'], name: string): string | undefined {
	const key = name.toLowerCase();
	let value = headers[key];
	if (value === undefined) {
		// Callers may pass headers that are not lower-cased already (Node's are).
		const found = Object.keys(headers).find(candidate => candidate.toLowerCase() === key);
		value = found === undefined ? undefined : headers[found];
	}
	if (Array.isArray(value)) return value.join(key === 'cookie' ? '; ' : ',');
	return value;
}

const lowerCased = (condition: StringMatch): StringMatch =>
	Object.fromEntries(Object.entries(condition).map(([kind, text]) => [kind, kind === 'regex' ? text : String(text).toLowerCase()]));

const neverMatches = /(?!)/;
const compiled = new Map<string, RegExp>();

function fullMatch(pattern: string): RegExp {
	let regex = compiled.get(pattern);
	if (!regex) {
		try {
			regex = new RegExp(`^(?:${pattern})$`);
		} catch {
			regex = neverMatches;
		}
		if (compiled.size > 1000) compiled.clear();
		compiled.set(pattern, regex);
	}
	return regex;
}
