// JSON read from a user's file. V8's parse errors quote the text around the mistake
// (`…"a55w0rd"},]}" is not valid JSON`), and an environment file holds secrets: a message about a file
// says where the mistake is and what kind it is, never what the file says.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export type JsonText = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly where: string };

/** Parses strictly; a failure is described by line, column and kind of mistake only. */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, where: locateMistake(text) };
  }
}

function locateMistake(text: string): string {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const [first] = errors;
  if (!first) return 'not valid JSON';
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${describe(printParseErrorCode(first.error))}`;
}

/** `CommaExpected` → `a comma expected`: the parser's codes, in words. */
function describe(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words === 'invalid symbol'
    ? 'an unexpected character (a trailing comma, a comment, or a missing quote?)'
    : words;
}
