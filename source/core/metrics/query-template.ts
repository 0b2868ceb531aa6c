// Query templating as Flagger does it (`observers/render.go`, semantics §6.4): Go text/template
// with missingkey=error and zero-argument functions. The forms queries use are implemented
// with Go's semantics and error texts: `{{ namespace }}` and the other functions,
// `{{ variables.KEY }}`, `{{- trim markers -}}` and `{{/* comments */}}`. Anything else (pipes,
// if/range, literals) is a parse error naming the action, never a silently wrong query.
import type {Canary} from '../spec/types.js';

export type TemplateModel = {
	name: string;
	namespace: string;
	target: string;
	service: string;
	ingress: string;
	route: string;
	interval: string;
	variables: Record<string, string>;
};

export type Rendered = {ok: true; query: string} | {ok: false; error: string};

/** Flagger's toMetricModel, plus the metric's templateVariables. */
export function templateModel(canary: Canary, interval: string, variables: Record<string, string> = {}): TemplateModel {
	const target = canary.spec.targetRef.name;
	return {
		name: canary.metadata.name,
		namespace: canary.metadata.namespace ?? 'default',
		target,
		service: canary.spec.service?.name || target,
		ingress: canary.spec.ingressRef?.name || target,
		route: canary.spec.routeRef?.name || target,
		interval,
		variables,
	};
}

const functions = ['name', 'namespace', 'target', 'service', 'ingress', 'route', 'interval', 'variables'] as const;
type FunctionName = (typeof functions)[number];
const isFunction = (word: string): word is FunctionName => (functions as readonly string[]).includes(word);

// Go's template lexer: trim markers are "{{- " and " -}}" (the dash must touch whitespace).
const space = /[ \t\r\n]/;
const trailingSpace = /[ \t\r\n]+$/;
const leadingSpace = /^[ \t\r\n]+/;

class TemplateError extends Error {}

type Action = {text: string; start: number};

export function renderQuery(template: string, model: TemplateModel): Rendered {
	let actions: Array<string | Action>;
	try {
		actions = parse(template);
	} catch (error) {
		if (error instanceof TemplateError) return {ok: false, error: `template parsing failed: ${error.message}`};
		throw error;
	}
	let out = '';
	for (const part of actions) {
		if (typeof part === 'string') {
			out += part;
			continue;
		}
		const value = execute(part, template, model);
		if (typeof value !== 'string') return {ok: false, error: `template excution failed: ${value.error}`};
		out += value;
	}
	return {ok: true, query: out};
}

/** Splits the template into text and actions, checking each action's syntax. */
function parse(template: string): Array<string | Action> {
	const parts: Array<string | Action> = [];
	let text = '';
	let at = 0;
	let trimNext = false;
	while (at < template.length) {
		const open = template.indexOf('{{', at);
		let chunk = open < 0 ? template.slice(at) : template.slice(at, open);
		if (trimNext) chunk = chunk.replace(leadingSpace, '');
		trimNext = false;
		if (open < 0) {
			text += chunk;
			break;
		}
		let inner = open + 2;
		if (template[inner] === '-' && space.test(template[inner + 1] ?? '')) {
			chunk = chunk.replace(trailingSpace, '');
			inner += 2;
		}
		text += chunk;
		const close = closingOf(template, inner);
		if (close < 0) throw new TemplateError(`template: ${location(template, open)}: unclosed action`);
		let end = close;
		if (template[close - 1] === '-' && space.test(template[close - 2] ?? '')) {
			trimNext = true;
			end = close - 2;
		}
		const body = template.slice(inner, end);
		const trimmed = body.trim();
		const start = inner + (body.length - body.trimStart().length);
		if (!trimmed.startsWith('/*')) {
			checkAction(trimmed, template, start);
			if (text) parts.push(text);
			text = '';
			parts.push({text: trimmed, start});
		}
		at = close + 2;
	}
	if (text) parts.push(text);
	return parts;
}

/** Where `}}` closes the action opened before `from`; comments may contain `}}`. */
function closingOf(template: string, from: number): number {
	const first = from + (template.slice(from).length - template.slice(from).trimStart().length);
	if (!template.startsWith('/*', first)) return template.indexOf('}}', from);
	const endComment = template.indexOf('*/', first + 2);
	return endComment < 0 ? -1 : template.indexOf('}}', endComment + 2);
}

function checkAction(action: string, template: string, start: number): void {
	const where = `template: ${location(template, start)}`;
	if (action === '') throw new TemplateError(`${where}: missing value for command`);
	const field = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
	if (field) return;
	const call = /^([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(action);
	if (call) {
		if (!isFunction(call[1]!)) throw new TemplateError(`${where}: function "${call[1]}" not defined`);
		return;
	}
	throw new TemplateError(`${where}: canary-tui does not support {{ ${action} }} in queries (only ${functions.map(f => `{{ ${f} }}`).join(', ')} and {{ variables.KEY }})`);
}

function execute(action: Action, template: string, model: TemplateModel): string | {error: string} {
	const at = (context: string, message: string) => ({error: `template: ${location(template, action.start, true)}: executing "tmpl" at <${context}>: ${message}`});
	if (action.text.startsWith('.')) return at(action.text, `nil data; no entry for key "${action.text.slice(1)}"`);
	const [name, ...fields] = action.text.split('.') as [FunctionName, ...string[]];
	if (name !== 'variables') return fields.length ? at(name, `can't evaluate field ${fields[0]} in type string`) : model[name];
	if (fields.length === 0) return goMap(model.variables);
	const key = fields[0]!;
	if (!Object.hasOwn(model.variables, key)) return at('variables', `map has no entry for key "${key}"`);
	if (fields.length > 1) return at('variables', `can't evaluate field ${fields[1]} in type string`);
	return model.variables[key]!;
}

/** fmt's %v of a map[string]string: keys sorted. */
function goMap(map: Record<string, string>): string {
	return `map[${Object.keys(map).sort().map(key => `${key}:${map[key]}`).join(' ')}]`;
}

/** Go's error location: `tmpl:LINE` for parse errors, `tmpl:LINE:COLUMN` (bytes) when executing. */
function location(template: string, offset: number, column = false): string {
	const before = template.slice(0, offset);
	const line = before.split('\n').length;
	if (!column) return `tmpl:${line}`;
	const lineStart = before.lastIndexOf('\n') + 1;
	return `tmpl:${line}:${Buffer.byteLength(before.slice(lineStart), 'utf8')}`;
}
