// Whether pasted text is a curl command (curl, curl.exe, a path to curl, after a shell prompt): cheap enough
// for every paste into the URL bar; the curl reader itself (parse-curl.ts) is loaded only when it is one.
export function looksLikeCurl(text: string): boolean {
  return /^\s*(?:[$%]\s+)?(?:(?:[A-Za-z]:)?[^\s:]*[/\\])?curl(?:\.exe)?(?:\s|$)/i.test(text);
}
