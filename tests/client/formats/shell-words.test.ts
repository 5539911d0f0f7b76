import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenizeCmd } from '../../../client/src/features/composer/formats/cmd-words';
import { echoOutput, pipelineOutput, printfOutput } from '../../../client/src/features/composer/formats/pipe-input';
import { quoteBytesForShell, quoteForShell } from '../../../client/src/features/composer/formats/shell-quote';
import { tokenizeShell } from '../../../client/src/features/composer/formats/shell-words';

const words = (input: string) => tokenizeShell(input).map((t) => (t.kind === 'word' ? t.value : `<${t.value}>`));

describe('reading a command line as bash does', () => {
  it.each([
    ['single quotes keep everything', `curl 'a b' 'c"d' '$x'`, ['curl', 'a b', 'c"d', '$x']],
    ['double quotes with escapes', `curl "c \\"d\\" \\\\ \\$HOME \\x"`, ['curl', 'c "d" \\ $HOME \\x']],
    ['backslash escapes outside quotes', `curl e\\ f \\'g`, ['curl', 'e f', "'g"]],
    ["$'…' ANSI-C quoting", `curl $'a\\nb\\t\\x41\\101\\u00e9\\'\\\\'`, ['curl', "a\nb\tAAé'\\"]],
    ["$'…' bytes that make UTF-8", `curl $'\\xc3\\xa9'`, ['curl', 'é']],
    ['a closed and reopened quote', `curl 'it'\\''s'`, ['curl', "it's"]],
    ['adjacent quoted parts are one word', `curl -H'X: '"a b"c`, ['curl', '-HX: a bc']],
    ['an empty argument', `curl -d '' x`, ['curl', '-d', '', 'x']],
    ['backslash-newline joins lines', 'curl \\\n  -X POST \\\r\n  url', ['curl', '-X', 'POST', 'url']],
    ['backslash-newline inside double quotes disappears', 'curl "a\\\nb"', ['curl', 'ab']],
    ['a line break ends the command', 'curl a\ncurl b', ['curl', 'a', '<\n>', 'curl', 'b']],
    ['operators', 'a | b && c || d; e & f', ['a', '<|>', 'b', '<&&>', 'c', '<||>', 'd', '<;>', 'e', '<&>', 'f']],
    ['redirections with a file descriptor', 'curl x > out 2>&1 2> err', ['curl', 'x', '<>>', 'out', '<2>&>', '1', '<2>>', 'err']],
    ['a quoted digit is not a file descriptor', `curl '2'> out`, ['curl', '2', '<>>', 'out']],
    ['a comment', 'curl x # the rest', ['curl', 'x']],
    ['# inside a word is not a comment', 'curl x#y', ['curl', 'x#y']],
    ['$(…) stays one word', 'curl -d "$(cat a b)" $(echo x y)', ['curl', '-d', '$(cat a b)', '$(echo x y)']],
  ])('%s', (_name, input, expected) => {
    expect(words(input)).toEqual(expected);
  });

  it('reports expansions it cannot do', () => {
    const [, token] = tokenizeShell('curl "Bearer ${TOKEN}"-$USER`date`');
    expect(token?.kind === 'word' && token.expansions).toEqual(['${TOKEN}', '$USER', '`date`']);
  });

  it("keeps the bytes of a $'…' word that is not UTF-8", () => {
    const [token] = tokenizeShell(`$'\\xff\\x00'`);
    expect(token?.kind === 'word' && token.bytes).toEqual(Uint8Array.of(0xff, 0));
  });
});

describe('reading a command line as Windows cmd.exe does', () => {
  it.each([
    ['Chrome quoting', `curl ^"http://x/?a=1^&b=2^" ^\n  -H ^"X: ^\\^"q^\\^"^"`, ['curl', 'http://x/?a=1&b=2', '-H', 'X: "q"']],
    ['plain double quotes', `curl "a b" "c \\"d\\""`, ['curl', 'a b', 'c "d"']],
    ['doubled quotes inside quotes', `curl "say ""hi"""`, ['curl', 'say "hi"']],
    ['backslashes before a quote', `curl "a\\\\" b`, ['curl', 'a\\', 'b']],
    ['backslashes elsewhere stay', `curl C:\\tmp\\x`, ['curl', 'C:\\tmp\\x']],
    ['a caret-newline inside ^"…^" is a line break', `curl ^"a^\n\nb^"`, ['curl', 'a\nb']],
  ])('%s', (_name, input, expected) => {
    expect(tokenizeCmd(input).map((t) => t.value)).toEqual(expected);
  });
});

describe('quoting for bash', () => {
  it.each([
    ['plain', 'http://localhost:3000/get', 'http://localhost:3000/get'],
    ['spaces', 'a b', `'a b'`],
    ['a single quote', "it's", `'it'\\''s'`],
    ['a line break stays literal', 'a\nb', `'a\nb'`],
    ['a tab uses $\'…\'', 'a\tb', `$'a\\tb'`],
    ['the empty word', '', `''`],
  ])('%s', (_name, text, quoted) => {
    expect(quoteForShell(text)).toBe(quoted);
  });

  it('any text without NUL reads back as itself (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')), (text) => {
        expect(words(quoteForShell(text))).toEqual([text]);
      }),
    );
  });

  it('any bytes without NUL read back as themselves (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ min: 1, maxLength: 40 }), (bytes) => {
        const [token] = tokenizeShell(quoteBytesForShell(bytes));
        expect(token?.kind).toBe('word');
        if (token?.kind !== 'word') return;
        expect(token.bytes ?? new TextEncoder().encode(token.value)).toEqual(bytes);
      }),
    );
  });
});

describe('what a command piped into curl writes', () => {
  it.each([
    ['printf escapes', printfOutput('a\\n\\101\\0%%', []), [0x61, 10, 0x41, 0, 0x25]],
    ['printf %s and %b, format reused', printfOutput('%s=%b;', ['x', '\\0101', 'y']), [...'x=A;y=;'].map((c) => c.charCodeAt(0))],
    ['echo adds a newline', echoOutput(['a', 'b']), [0x61, 0x20, 0x62, 10]],
    ['echo -n -e', echoOutput(['-ne', 'a\\tb']), [0x61, 9, 0x62]],
    ['base64 --decode', pipelineOutput([['printf', '%s', 'AAH/'], ['base64', '-d']])!, [0, 1, 255]],
  ])('%s', (_name, bytes, expected) => {
    expect([...bytes]).toEqual(expected);
  });

  it('does not guess the output of other programs', () => {
    expect(pipelineOutput([['cat', 'body.json']])).toBeUndefined();
  });
});
