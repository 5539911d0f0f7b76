// What GET /endpoints answers: the metadata every echo endpoint carries (server/echo/*.ts). The README's
// echo table and the page's URL suggestions read this one shape.

/** One echo endpoint, as listed by GET /endpoints (an array of these). */
export interface EchoEndpoint {
  /** The route, e.g. /status/:codes. */
  path: string;
  methods: readonly string[];
  group: 'request inspection' | 'status codes' | 'redirects' | 'cookies' | 'auth' | 'caching' | 'response formats' | 'dynamic data' | 'streams and faults' | 'index';
  description: string;
  teaches: string;
  /** Ready-to-send paths, e.g. /status/418; the first is the example the README and the page offer. */
  samples: string[];
}
