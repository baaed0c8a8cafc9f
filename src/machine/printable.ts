// User text (a path, an option's value) as it may appear in hartvm's one-line messages. A file
// name can hold a newline, a carriage return or a terminal escape sequence; printed as it is,
// it would split the message or drive the user's terminal.

/** Characters that break a line or control a terminal: C0, DEL, C1 and Unicode's line breaks. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** `text` with every control character written as an escape (\n, \u001b), so that it stays one line. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_ALL, (c) => {
    const json = JSON.stringify(c);
    return json.length === 4 ? json.slice(1, -1) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * How a user's path or value appears in a message: as it is when it holds no control
 * characters, else in double quotes with those characters, quotes and backslashes escaped as
 * in JSON (so that "a\nb" reads unambiguously, on one line).
 */
export function printable(text: string): string {
  if (!CONTROL.test(text)) return text;
  return `"${escapeControls(text.replace(/["\\]/g, '\\$&'))}"`;
}
