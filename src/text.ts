/**
 * A file's text without its UTF-8 byte-order mark: editors on Windows (and PowerShell's Out-File)
 * write one, and JSON.parse and the .env parser take it for content.
 */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
