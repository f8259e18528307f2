/**
 * User text in multi-line human output (descriptions, attached documents, private notes):
 * line breaks and tabs stay, every other control character — escape sequences that could
 * clear the screen, move the cursor, set the terminal title or hide text — is shown as a
 * visible `\uXXXX` escape instead of reaching the terminal.
 *
 * @module
 */

/** `text` with its control characters (except newline and tab) made visible and inert. */
export function multiLine(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex -- control characters are what it replaces
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => c === "\r" ? "\\r" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Text another machine produced, before it reaches a terminal: the escape character and the
 * C1 controls (which start terminal escape sequences) become visible escapes; line ends,
 * carriage returns and tabs stay, so a CSV's CRLF lines print as they would locally.
 */
export function inertEscapes(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex -- control characters are what it replaces
    /[\u001b\u0080-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
