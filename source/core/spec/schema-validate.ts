// Validator for the structural OpenAPI v3 subset that Kubernetes CRDs use. Unknown fields are
// errors, as with `kubectl apply` and strict field validation. Not implemented: CEL rules
// (`x-kubernetes-validations`), `format` and `default` (both ignored), `$ref` (CRDs have none).

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export type JsonSchema = {
	type?: SchemaType;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	additionalProperties?: JsonSchema | boolean;
	items?: JsonSchema;
	enum?: unknown[];
	pattern?: string;
	minimum?: number;
	maximum?: number;
	minLength?: number;
	maxLength?: number;
	minItems?: number;
	maxItems?: number;
	oneOf?: JsonSchema[];
	anyOf?: JsonSchema[];
	allOf?: JsonSchema[];
	not?: JsonSchema;
	nullable?: boolean;
	'x-kubernetes-int-or-string'?: boolean;
	'x-kubernetes-preserve-unknown-fields'?: boolean;
	[keyword: string]: unknown;
};

export type SchemaError = {path: string; message: string};

export type ValidateOptions = {
	/** Human wording for a pattern, replacing "a string matching <pattern>". */
	patternHints?: Record<string, string>;
};

type Context = {options: ValidateOptions; errors: SchemaError[]};

export function validateSchema(value: unknown, schema: JsonSchema, path = '', options: ValidateOptions = {}): SchemaError[] {
	const context: Context = {options, errors: []};
	check(value, schema, path, context, true);
	return context.errors;
}

// `structural` is false inside oneOf/anyOf/allOf/not: those branches only add constraints,
// so a key they do not list is not unknown.
function check(value: unknown, schema: JsonSchema, path: string, context: Context, structural: boolean): void {
	const fail = (message: string) => context.errors.push({path: path || '(root)', message});
	if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.type && !schema.properties) return;
	if (value === null || value === undefined) {
		if (schema.nullable || (!schema.type && !schema['x-kubernetes-int-or-string'])) return;
		fail(`expected ${expectedType(schema)}, got ${describeTyped(value)}`);
		return;
	}
	if (schema['x-kubernetes-int-or-string']) {
		if (!Number.isInteger(value) && typeof value !== 'string') {
			fail(`expected an integer or a string, got ${describeTyped(value)}`);
			return;
		}
	} else if (schema.type && !hasType(value, schema.type)) {
		fail(`expected ${expectedType(schema)}, got ${describeTyped(value)}`);
		return;
	}
	if (schema.enum && !schema.enum.some(allowed => allowed === value)) {
		const hint = schema.enum.length > 1 ? suggestion(value, schema.enum) : '';
		fail(`expected ${listEnum(schema.enum)}, got ${describeValue(value)}${hint}`);
	}
	if (typeof value === 'string') checkString(value, schema, fail, context.options);
	if (typeof value === 'number') {
		if (schema.minimum !== undefined && value < schema.minimum) fail(`expected a number >= ${schema.minimum}, got ${value}`);
		if (schema.maximum !== undefined && value > schema.maximum) fail(`expected a number <= ${schema.maximum}, got ${value}`);
	}
	if (Array.isArray(value)) {
		if (schema.minItems !== undefined && value.length < schema.minItems) fail(`expected at least ${count(schema.minItems, 'item')}, got ${value.length}`);
		if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`expected at most ${count(schema.maxItems, 'item')}, got ${value.length}`);
		if (schema.items) value.forEach((item, index) => check(item, schema.items!, `${path}[${index}]`, context, structural));
	}
	if (isObject(value)) checkObject(value, schema, path, context, structural);
	checkCombinators(value, schema, path, context);
}

function checkString(value: string, schema: JsonSchema, fail: (message: string) => void, options: ValidateOptions): void {
	const length = [...value].length;
	if (schema.minLength !== undefined && length < schema.minLength) fail(`expected at least ${count(schema.minLength, 'character')}, got ${describeValue(value)}`);
	if (schema.maxLength !== undefined && length > schema.maxLength) fail(`expected at most ${count(schema.maxLength, 'character')}, got ${length}`);
	if (schema.pattern !== undefined && !compile(schema.pattern)?.test(value)) {
		const expected = options.patternHints?.[schema.pattern] ?? `a string matching ${schema.pattern}`;
		fail(`expected ${expected}, got ${describeValue(value)}`);
	}
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string, context: Context, structural: boolean): void {
	for (const key of schema.required ?? []) {
		if (value[key] === undefined || !Object.hasOwn(value, key)) {
			context.errors.push({path: joinPath(path, key), message: 'required field is missing'});
		}
	}
	const properties = schema.properties;
	const additional = schema.additionalProperties;
	for (const [key, child] of Object.entries(value)) {
		const at = joinPath(path, key);
		if (properties && Object.hasOwn(properties, key)) check(child, properties[key]!, at, context, structural);
		else if (typeof additional === 'object') check(child, additional, at, context, structural);
		else if (additional === false || (additional === undefined && properties && structural && !schema['x-kubernetes-preserve-unknown-fields'])) {
			context.errors.push({path: at, message: `unknown field "${at}"${suggestion(key, Object.keys(properties ?? {}))}`});
		}
	}
}

function checkCombinators(value: unknown, schema: JsonSchema, path: string, context: Context): void {
	const run = (branch: JsonSchema) => {
		const inner: Context = {options: context.options, errors: []};
		check(value, branch, path, inner, false);
		return inner.errors;
	};
	for (const branch of schema.allOf ?? []) context.errors.push(...run(branch));
	if (schema.anyOf) {
		const results = schema.anyOf.map(run);
		if (!results.some(errors => errors.length === 0)) {
			const choices = singleRequired(schema.anyOf);
			context.errors.push({
				path: path || '(root)',
				message: choices
					? `expected at least one of ${orList(choices)} to be set, found none`
					: `expected at least one of ${schema.anyOf.length} alternatives to match, none did: ${summarize(results)}`,
			});
		}
	}
	if (schema.not && run(schema.not).length === 0) {
		const forbidden = singleRequired(schema.not.anyOf ?? [schema.not]);
		context.errors.push({
			path: path || '(root)',
			message: forbidden ? `expected none of ${orList(forbidden)} to be set` : 'expected the value not to match a forbidden schema',
		});
	}
	if (schema.oneOf) checkOneOf(value, schema.oneOf, path, context, run);
}

// CRDs use oneOf almost only as "exactly one of these keys (plus some common ones)", with an
// optional `not: {anyOf: required...}` branch meaning "or none of them". Say that in words.
function checkOneOf(value: unknown, branches: JsonSchema[], path: string, context: Context, run: (branch: JsonSchema) => SchemaError[]): void {
	const results = branches.map(run);
	const matched = results.filter(errors => errors.length === 0).length;
	if (matched === 1) return;
	const at = path || '(root)';
	const keyed = branches.filter(branch => branch.required?.length);
	const noneAllowed = branches.some(branch => singleRequired(branch.not?.anyOf ?? []) !== undefined);
	const common = keyed.length ? keyed.map(branch => branch.required!).reduce((a, b) => a.filter(key => b.includes(key))) : [];
	const choices = keyed.map(branch => branch.required!.filter(key => !common.includes(key)));
	const shaped = keyed.length + (noneAllowed ? 1 : 0) === branches.length && choices.every(keys => keys.length === 1);
	if (!shaped || !isObject(value)) {
		const message = matched === 0
			? `expected exactly one of ${branches.length} alternatives to match, none did: ${summarize(results)}`
			: `expected exactly one of ${branches.length} alternatives to match, ${matched} did`;
		context.errors.push({path: at, message});
		return;
	}
	const names = choices.map(keys => keys[0]!);
	const present = names.filter(key => value[key] !== undefined);
	const rule = noneAllowed ? `at most one of ${orList(names)} may be set` : `exactly one of ${orList(names)} must be set`;
	const also = common.length ? ` (${andList(common)} ${common.length > 1 ? 'are' : 'is'} required too)` : '';
	let reported = false;
	for (const key of common) {
		if (value[key] === undefined) {
			const needs = andList([...common, `${noneAllowed ? 'at most' : 'exactly'} one of ${orList(names)}`]);
			context.errors.push({path: joinPath(path, key), message: `required field is missing (${at} needs ${needs})`});
			reported = true;
		}
	}
	if (present.length > 1 || (present.length === 0 && !noneAllowed)) {
		const found = present.length === 0 ? 'found none of them' : `found ${andList(present)}`;
		context.errors.push({path: at, message: `${rule}${also}, ${found}`});
		reported = true;
	}
	// The right keys are present, so the chosen branch failed on a nested constraint.
	if (!reported) context.errors.push(...(results[names.indexOf(present[0]!)] ?? results[0] ?? []));
}

function singleRequired(branches: JsonSchema[]): string[] | undefined {
	if (!branches.length || !branches.every(branch => branch.required?.length === 1 && Object.keys(branch).every(key => key === 'required' || key === 'description'))) return undefined;
	return branches.map(branch => branch.required![0]!);
}

function summarize(results: SchemaError[][]): string {
	return results.map((errors, index) => `(${index + 1}) ${errors[0] ? `${errors[0].path}: ${errors[0].message}` : 'matched'}`).join('; ');
}

const regexCache = new Map<string, RegExp | undefined>();

function compile(pattern: string): RegExp | undefined {
	if (!regexCache.has(pattern)) {
		let regex: RegExp | undefined;
		try {
			regex = new RegExp(pattern);
		} catch {
			regex = undefined; // a pattern JS cannot compile is skipped rather than failing every value
		}
		regexCache.set(pattern, regex);
	}
	return regexCache.get(pattern);
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: SchemaType): boolean {
	switch (type) {
		case 'object': return isObject(value);
		case 'array': return Array.isArray(value);
		case 'integer': return Number.isInteger(value);
		case 'number': return typeof value === 'number' && Number.isFinite(value);
		default: return typeof value === type;
	}
}

const typeNames: Record<SchemaType, string> = {
	object: 'an object',
	array: 'an array',
	string: 'a string',
	integer: 'an integer',
	number: 'a number',
	boolean: 'a boolean',
};

function expectedType(schema: JsonSchema): string {
	if (schema['x-kubernetes-int-or-string']) return 'an integer or a string';
	return schema.type ? typeNames[schema.type] : 'a value';
}

/** A value as it would appear in YAML/JSON, shortened. */
function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'an array';
	if (isObject(value)) return 'an object';
	const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value) ?? String(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeTyped(value: unknown): string {
	if (value === null || value === undefined || typeof value === 'object') return describeValue(value);
	if (typeof value === 'number') return `${Number.isInteger(value) ? 'an integer' : 'a number'} ${describeValue(value)}`;
	return `${typeNames[typeof value as SchemaType] ?? `a ${typeof value}`} ${describeValue(value)}`;
}

function listEnum(values: unknown[]): string {
	return values.length === 1 ? describeValue(values[0]) : `one of ${values.map(describeValue).join(', ')}`;
}

function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function andList(items: string[]): string {
	return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function orList(items: string[]): string {
	return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function joinPath(path: string, key: string): string {
	const segment = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
	if (!path) return segment;
	return segment.startsWith('"') ? `${path}[${segment}]` : `${path}.${segment}`;
}

// " (did you mean "stepWeight"?)" for typos, case slips and missing suffixes such as "gatewayapi".
function suggestion(value: unknown, candidates: unknown[]): string {
	if (typeof value !== 'string' || value.length < 3) return '';
	const lower = value.toLowerCase();
	const close = candidates
		.filter((candidate): candidate is string => typeof candidate === 'string' && candidate.length > 0)
		.map(candidate => {
			const other = candidate.toLowerCase();
			const prefix = Math.min(lower.length, other.length) >= 4 && (other.startsWith(lower) || lower.startsWith(other));
			const distance = lower === other ? 0 : prefix ? 1 : editDistance(lower, other);
			return {candidate, distance};
		})
		.filter(({distance}) => distance <= Math.min(2, Math.floor(value.length / 3)))
		.sort((a, b) => a.distance - b.distance)
		.slice(0, 2)
		.map(({candidate}) => JSON.stringify(candidate));
	return close.length ? ` (did you mean ${orList(close)}?)` : '';
}

function editDistance(a: string, b: string): number {
	if (Math.abs(a.length - b.length) > 2) return 3;
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		previous = current;
	}
	return previous[b.length]!;
}
