import {describe, expect, it} from 'vitest';
import type {HttpMatchRequest} from '../../../source/core/spec/types.js';
import {matchesRequest, pickWeighted} from '../../../source/local/http/route-match.js';
import {seeded} from './helpers.js';

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const curl = 'curl/8.5.0';

const get = (path: string, headers: Record<string, string | string[] | undefined> = {}) => ({method: 'GET', path, headers});
const seedRule: HttpMatchRequest[] = [{headers: {'user-agent': {regex: '.*(Firefox|curl).*'}}}];

describe('matchesRequest', () => {
	it.each([
		['Firefox', firefox, true],
		['curl', curl, true],
		['Chrome', chrome, false],
	])('the seed rule user-agent ~ .*(Firefox|curl).* against %s', (_name, agent, expected) => {
		expect(matchesRequest(seedRule, get('/', {'user-agent': agent}))).toBe(expected);
	});

	it.each<[string, HttpMatchRequest, ReturnType<typeof get>, boolean]>([
		['exact', {headers: {'x-canary': {exact: 'insider'}}}, get('/', {'x-canary': 'insider'}), true],
		['exact is whole', {headers: {'x-canary': {exact: 'insider'}}}, get('/', {'x-canary': 'insiders'}), false],
		['prefix', {headers: {'x-canary': {prefix: 'ins'}}}, get('/', {'x-canary': 'insider'}), true],
		['prefix miss', {headers: {'x-canary': {prefix: 'out'}}}, get('/', {'x-canary': 'insider'}), false],
		['suffix', {headers: {'x-canary': {suffix: 'der'}}}, get('/', {'x-canary': 'insider'}), true],
		['suffix miss', {headers: {'x-canary': {suffix: 'ins'}}}, get('/', {'x-canary': 'insider'}), false],
		['regex is a full match', {headers: {'user-agent': {regex: 'Firefox'}}}, get('/', {'user-agent': firefox}), false],
		['regex full match succeeds', {headers: {'user-agent': {regex: 'Mozilla.*Firefox/\\d+\\.\\d+'}}}, get('/', {'user-agent': firefox}), true],
		['regex alternation stays anchored', {headers: {'x-a': {regex: 'a|b'}}}, get('/', {'x-a': 'ab'}), false],
		['header names are case-insensitive (rule)', {headers: {'User-Agent': {regex: '.*curl.*'}}}, get('/', {'user-agent': curl}), true],
		['header names are case-insensitive (request)', {headers: {'x-canary': {exact: 'yes'}}}, get('/', {'X-Canary': 'yes'}), true],
		['missing header never matches', {headers: {'x-canary': {regex: '.*'}}}, get('/'), false],
		['cookie through the cookie header', {headers: {cookie: {regex: '^(.*?;)?(canary=always)(;.*)?$'}}}, get('/', {cookie: 'canary=always; theme=dark'}), true],
		['cookie after others (no space, as the regex needs)', {headers: {cookie: {regex: '^(.*?;)?(canary=always)(;.*)?$'}}}, get('/', {cookie: 'session=1;canary=always'}), true],
		['cookie absent', {headers: {cookie: {regex: '^(.*?;)?(canary=always)(;.*)?$'}}}, get('/', {cookie: 'session=1'}), false],
		['uri prefix', {uri: {prefix: '/api'}}, get('/api/info?x=1'), true],
		['uri ignores the query', {uri: {exact: '/api/info'}}, get('/api/info?x=1'), true],
		['uri miss', {uri: {prefix: '/api'}}, get('/status/500'), false],
		['uri ignoring case', {uri: {prefix: '/API'}, ignoreUriCase: true}, get('/api/info'), true],
		['method', {method: {exact: 'POST'}}, {method: 'POST', path: '/token', headers: {}}, true],
		['method miss', {method: {exact: 'POST'}}, get('/token'), false],
		['query param', {queryParams: {canary: {exact: 'true'}}}, get('/?canary=true'), true],
		['query param miss', {queryParams: {canary: {exact: 'true'}}}, get('/?canary=false'), false],
		['conditions AND: all hold', {uri: {prefix: '/'}, headers: {'x-canary': {exact: 'yes'}}}, get('/x', {'x-canary': 'yes'}), true],
		['conditions AND: one fails', {uri: {prefix: '/api'}, headers: {'x-canary': {exact: 'yes'}}}, get('/x', {'x-canary': 'yes'}), false],
		['invalid regex matches nothing', {headers: {'x-a': {regex: '('}}}, get('/', {'x-a': '('}), false],
	])('%s', (_name, rule, req, expected) => {
		expect(matchesRequest([rule], req)).toBe(expected);
	});

	it('rules are ORed', () => {
		const rules: HttpMatchRequest[] = [{headers: {'x-canary': {exact: 'insider'}}}, {headers: {cookie: {regex: '.*canary=always.*'}}}];
		expect(matchesRequest(rules, get('/', {'x-canary': 'insider'}))).toBe(true);
		expect(matchesRequest(rules, get('/', {cookie: 'canary=always'}))).toBe(true);
		expect(matchesRequest(rules, get('/', {cookie: 'canary=never'}))).toBe(false);
	});

	it('no rules match everything', () => {
		expect(matchesRequest(undefined, get('/'))).toBe(true);
		expect(matchesRequest([], get('/'))).toBe(true);
	});
});

describe('pickWeighted', () => {
	it('sends about 25% of 1,000 picks to a canary at weight 25', () => {
		const random = seeded(7);
		let canary = 0;
		for (let i = 0; i < 1000; i++) if (pickWeighted(75, 25, random) === 'canary') canary++;
		expect(canary / 1000).toBeGreaterThanOrEqual(0.2);
		expect(canary / 1000).toBeLessThanOrEqual(0.3);
	});

	it('honours the bounds', () => {
		expect(pickWeighted(100, 0, () => 0)).toBe('primary');
		expect(pickWeighted(0, 100, () => 0.9999)).toBe('canary');
		expect(pickWeighted(50, 50, () => 0.49)).toBe('canary');
		expect(pickWeighted(50, 50, () => 0.5)).toBe('primary');
	});
});
