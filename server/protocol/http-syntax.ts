// HTTP syntax that the server and the page check the same way, written once.

/**
 * The characters of a token (RFC 9110 §5.6.2 tchar), as the inside of a regular-expression character
 * class. Method names (§9.1) and header field names (§5.1) are tokens.
 */
export const TCHAR_CLASS = "!#$%&'*+\\-.^_`|~0-9A-Za-z";

/** A whole token: a method name or a header field name. */
export const TOKEN = new RegExp(`^[${TCHAR_CLASS}]+$`);

/** The methods the sandbox's routes answer, in the order an Allow header lists them (RFC 9110 §10.2.1). */
export const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
