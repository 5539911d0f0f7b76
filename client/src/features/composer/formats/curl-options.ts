// The curl command-line options the importer knows, as data: which take a value, and what each does to
// the request. Names and letters follow curl's manual (curl.se/docs/manpage.html).

/** Options that change the request; the importer handles each one. */
export type RequestRole =
  | 'request' | 'header' | 'data' | 'data-ascii' | 'data-binary' | 'data-raw' | 'data-urlencode' | 'json'
  | 'form' | 'form-string' | 'user' | 'cookie' | 'user-agent' | 'referer' | 'get' | 'head' | 'location'
  | 'compressed' | 'url' | 'url-query' | 'range' | 'upload-file' | 'oauth2-bearer' | 'globoff' | 'next' | 'basic'
  | 'max-time';

export interface CurlOption {
  long: string;
  short?: string;
  /** Whether the option reads the next word as its value. */
  value: boolean;
  /**
   * What to do with it: a request role; 'quiet' for options that only change what curl prints, checks or
   * saves (noted, not warned about); or a sentence saying why an option that matters cannot be imported.
   */
  role: RequestRole | 'quiet' | { unsupported: string };
}

const unsupported = (why: string) => ({ unsupported: why });

const HTTP_VERSION = unsupported('the sandbox always sends HTTP/1.1');
const OTHER_AUTH = unsupported('the sandbox only builds Basic and Bearer authorization; send the Authorization header yourself');
const TLS_CLIENT = unsupported('client certificates are not supported by the sandbox');
const NETWORK_PATH = unsupported('the sandbox connects to the target itself');

const OPTIONS: CurlOption[] = [
  // What the request is
  { long: 'request', short: 'X', value: true, role: 'request' },
  { long: 'header', short: 'H', value: true, role: 'header' },
  { long: 'data', short: 'd', value: true, role: 'data' },
  { long: 'data-ascii', value: true, role: 'data-ascii' },
  { long: 'data-binary', value: true, role: 'data-binary' },
  { long: 'data-raw', value: true, role: 'data-raw' },
  { long: 'data-urlencode', value: true, role: 'data-urlencode' },
  { long: 'json', value: true, role: 'json' },
  { long: 'form', short: 'F', value: true, role: 'form' },
  { long: 'form-string', value: true, role: 'form-string' },
  { long: 'user', short: 'u', value: true, role: 'user' },
  { long: 'basic', value: false, role: 'basic' },
  { long: 'oauth2-bearer', value: true, role: 'oauth2-bearer' },
  { long: 'cookie', short: 'b', value: true, role: 'cookie' },
  { long: 'user-agent', short: 'A', value: true, role: 'user-agent' },
  { long: 'referer', short: 'e', value: true, role: 'referer' },
  { long: 'get', short: 'G', value: false, role: 'get' },
  { long: 'head', short: 'I', value: false, role: 'head' },
  { long: 'location', short: 'L', value: false, role: 'location' },
  { long: 'location-trusted', value: false, role: 'location' },
  { long: 'max-time', short: 'm', value: true, role: 'max-time' },
  { long: 'compressed', value: false, role: 'compressed' },
  { long: 'url', value: true, role: 'url' },
  { long: 'url-query', value: true, role: 'url-query' },
  { long: 'range', short: 'r', value: true, role: 'range' },
  { long: 'upload-file', short: 'T', value: true, role: 'upload-file' },
  { long: 'globoff', short: 'g', value: false, role: 'globoff' },
  { long: 'next', short: ':', value: false, role: 'next' },

  // Options that change what curl prints, checks or saves, not what it sends
  ...[
    ['silent', 's'], ['show-error', 'S'], ['verbose', 'v'], ['include', 'i'], ['insecure', 'k'], ['fail', 'f'],
    ['fail-with-body'], ['fail-early'], ['no-buffer', 'N'], ['progress-bar', '#'], ['no-progress-meter'],
    ['remote-name', 'O'], ['remote-header-name', 'J'], ['remote-time', 'R'], ['remote-name-all'], ['create-dirs'],
    ['ipv4', '4'], ['ipv6', '6'], ['disable', 'q'], ['path-as-is'], ['http1.1'], ['tcp-nodelay'], ['tcp-fastopen'],
    ['no-keepalive'], ['no-sessionid'], ['no-alpn'], ['no-npn'], ['ssl'], ['ssl-reqd'], ['ssl-no-revoke'],
    ['tlsv1'], ['tlsv1.0'], ['tlsv1.1'], ['tlsv1.2'], ['tlsv1.3'], ['trace-time'], ['styled-output'],
    ['retry-connrefused'], ['retry-all-errors'], ['parallel', 'Z'], ['parallel-immediate'], ['junk-session-cookies', 'j'],
    ['post301'], ['post302'], ['post303'], ['raw'], ['suppress-connect-headers'], ['xattr'], ['list-only', 'l'],
    ['netrc-optional'], ['manual', 'M'], ['version', 'V'], ['help', 'h'], ['proxytunnel', 'p'], ['false-start'],
    ['ignore-content-length'], ['disallow-username-in-url'], ['http0.9'], ['no-clobber'], ['remove-on-error'],
  ].map(([long, short]): CurlOption => ({ long: long!, short, value: false, role: 'quiet' })),
  ...[
    ['output', 'o'], ['output-dir'], ['connect-timeout'], ['write-out', 'w'], ['retry'],
    ['retry-delay'], ['retry-max-time'], ['cookie-jar', 'c'], ['dump-header', 'D'], ['trace'], ['trace-ascii'],
    ['trace-config'], ['stderr'], ['limit-rate'], ['speed-limit', 'Y'], ['speed-time', 'y'], ['max-filesize'],
    ['max-redirs'], ['expect100-timeout'], ['keepalive-time'], ['happy-eyeballs-timeout-ms'], ['cacert'], ['capath'],
    ['crlfile'], ['pinnedpubkey'], ['ciphers'], ['tls13-ciphers'], ['tls-max'], ['curves'], ['dns-servers'],
    ['interface'], ['local-port'], ['parallel-max'], ['rate'], ['etag-save'], ['hsts'], ['alt-svc'], ['proto'],
    ['proto-redir'], ['proto-default'], ['noproxy'],
  ].map(([long, short]): CurlOption => ({ long: long!, short, value: true, role: 'quiet' })),

  // Options that matter but cannot be imported
  { long: 'http1.0', short: '0', value: false, role: HTTP_VERSION },
  { long: 'http2', value: false, role: HTTP_VERSION },
  { long: 'http2-prior-knowledge', value: false, role: HTTP_VERSION },
  { long: 'http3', value: false, role: HTTP_VERSION },
  { long: 'http3-only', value: false, role: HTTP_VERSION },
  { long: 'digest', value: false, role: OTHER_AUTH },
  { long: 'ntlm', value: false, role: OTHER_AUTH },
  { long: 'negotiate', value: false, role: OTHER_AUTH },
  { long: 'anyauth', value: false, role: OTHER_AUTH },
  { long: 'aws-sigv4', value: true, role: OTHER_AUTH },
  { long: 'netrc', short: 'n', value: false, role: unsupported('the sandbox cannot read your ~/.netrc file; use -u name:password') },
  { long: 'netrc-file', value: true, role: unsupported('the sandbox cannot read your .netrc file; use -u name:password') },
  { long: 'cert', short: 'E', value: true, role: TLS_CLIENT },
  { long: 'key', value: true, role: TLS_CLIENT },
  { long: 'cert-type', value: true, role: TLS_CLIENT },
  { long: 'key-type', value: true, role: TLS_CLIENT },
  { long: 'pass', value: true, role: TLS_CLIENT },
  { long: 'proxy', short: 'x', value: true, role: NETWORK_PATH },
  { long: 'proxy-user', short: 'U', value: true, role: NETWORK_PATH },
  { long: 'proxy-header', value: true, role: NETWORK_PATH },
  { long: 'preproxy', value: true, role: NETWORK_PATH },
  { long: 'socks5', value: true, role: NETWORK_PATH },
  { long: 'socks5-hostname', value: true, role: NETWORK_PATH },
  { long: 'resolve', value: true, role: NETWORK_PATH },
  { long: 'connect-to', value: true, role: NETWORK_PATH },
  { long: 'unix-socket', value: true, role: NETWORK_PATH },
  { long: 'abstract-unix-socket', value: true, role: NETWORK_PATH },
  { long: 'config', short: 'K', value: true, role: unsupported('it reads more options from a file the sandbox cannot see; paste them into the command') },
  { long: 'time-cond', short: 'z', value: true, role: unsupported('add an If-Modified-Since header instead') },
  { long: 'continue-at', short: 'C', value: true, role: unsupported('add a Range header instead') },
  { long: 'etag-compare', value: true, role: unsupported('it reads an ETag from a file; add an If-None-Match header instead') },
  { long: 'request-target', value: true, role: unsupported('the request target always comes from the URL') },
  { long: 'tr-encoding', value: false, role: unsupported('the sandbox does not ask for transfer encodings') },
  { long: 'variable', value: true, role: unsupported('curl variables are not expanded; write the value itself') },
  { long: 'crlf', value: false, role: unsupported('line endings in the body are sent as written') },
  { long: 'use-ascii', short: 'B', value: false, role: unsupported('it only matters for FTP') },
];

const BY_LONG = new Map(OPTIONS.map((o) => [o.long, o]));
const BY_SHORT = new Map(OPTIONS.filter((o) => o.short).map((o) => [o.short!, o]));

export function curlOptionByLong(name: string): CurlOption | undefined {
  return BY_LONG.get(name);
}

export function curlOptionByShort(letter: string): CurlOption | undefined {
  return BY_SHORT.get(letter);
}

/** How the option is usually written, for messages: "-H/--header". */
export function spell(option: CurlOption): string {
  return option.short ? `-${option.short}/--${option.long}` : `--${option.long}`;
}

/** An example for messages about a missing value. */
export const VALUE_EXAMPLES: Partial<Record<string, string>> = {
  request: '-X POST',
  header: "-H 'Accept: application/json'",
  data: `-d '{"title":"Kindred"}'`,
  json: `--json '{"title":"Kindred"}'`,
  form: '-F name=value',
  user: '-u ada:lovelace',
  cookie: "-b 'sid=abc123'",
  'user-agent': "-A 'my-client/1.0'",
  url: '--url http://localhost:3000/get',
};
