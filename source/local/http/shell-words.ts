// Splits a simple shell command into words, honouring quotes and backslashes. Anything that
// needs a real shell (pipes, lists, redirections, substitutions, variables) gives undefined;
// glob characters stay literal, as they do in sh when nothing matches.

export function splitShellWords(command: string): string[] | undefined {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	for (let i = 0; i < command.length; i++) {
		const char = command[i]!;
		if (char === "'") {
			const end = command.indexOf("'", i + 1);
			if (end === -1) return undefined;
			word += command.slice(i + 1, end);
			inWord = true;
			i = end;
		} else if (char === '"') {
			let j = i + 1;
			for (; j < command.length && command[j] !== '"'; j++) {
				const inner = command[j]!;
				if (inner === '$' || inner === '`') return undefined;
				if (inner === '\\' && j + 1 < command.length && '"\\$`\n'.includes(command[j + 1]!)) j++;
				word += command[j];
			}
			if (j >= command.length) return undefined;
			inWord = true;
			i = j;
		} else if (char === '\\') {
			if (i + 1 >= command.length) return undefined;
			word += command[++i];
			inWord = true;
		} else if (char === ' ' || char === '\t') {
			if (inWord) words.push(word);
			word = '';
			inWord = false;
		} else if ('|&;<>()`$\n'.includes(char) || (!inWord && (char === '#' || char === '~'))) {
			return undefined;
		} else {
			word += char;
			inWord = true;
		}
	}
	if (inWord) words.push(word);
	// `NAME=value command` sets the environment: a shell's job.
	if (/^[A-Za-z_]\w*=/.test(words[0] ?? '')) return undefined;
	return words;
}
