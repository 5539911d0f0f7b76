// undici (the send endpoint's and the course proxy's HTTP client) is loaded by the first request that needs
// it: an idle server then holds none of its code (about 7 MB of RSS, measured with the rest of issue 15's
// idle-memory work). Later callers get the loaded module without a new import.
type Undici = typeof import('undici');

let loaded: Undici | undefined;

export async function loadUndici(): Promise<Undici> {
  return (loaded ??= await import('undici'));
}
