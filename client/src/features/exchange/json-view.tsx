// A JSON body as a tree: keys, strings, numbers, booleans and null in their own colours, and every object
// and array a <details> the learner can fold (keyboard: Tab to its summary, Enter or Space). The text reads
// as JSON, so selecting and copying it gives JSON back.

/** Deeper than this, objects and arrays start folded. */
const OPEN_DEPTH = 3;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function Primitive({ value }: { value: null | boolean | number | string }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  return <span className="json-boolean">{String(value)}</span>;
}

function Key({ name }: { name?: string }) {
  if (name === undefined) return null;
  return (
    <>
      <span className="json-key">{JSON.stringify(name)}</span>
      {': '}
    </>
  );
}

function JsonNode({ name, value, depth, comma }: { name?: string; value: Json; depth: number; comma: boolean }) {
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-line">
        <Key name={name} />
        <Primitive value={value} />
        {comma && ','}
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const entries: [string | undefined, Json][] = isArray ? value.map((v) => [undefined, v]) : Object.entries(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="json-line">
        <Key name={name} />
        {open}
        {close}
        {comma && ','}
      </div>
    );
  }
  const count = isArray ? `${entries.length} item${entries.length === 1 ? '' : 's'}` : `${entries.length} key${entries.length === 1 ? '' : 's'}`;
  return (
    <details className="json-node" open={depth < OPEN_DEPTH}>
      <summary>
        <Key name={name} />
        {open}
        <span className="json-fold">
          {' '}
          … {count} {close}
          {comma && ','}
        </span>
      </summary>
      <div className="json-children">
        {entries.map(([key, child], index) => (
          <JsonNode key={index} name={key} value={child} depth={depth + 1} comma={index < entries.length - 1} />
        ))}
      </div>
      <div className="json-line">
        {close}
        {comma && ','}
      </div>
    </details>
  );
}

/** The tree for JSON text, or undefined when the text is not JSON. */
export function JsonView({ text }: { text: string }) {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return null;
  }
  return (
    <div className="json-view" aria-label="Response body">
      <JsonNode value={value} depth={0} comma={false} />
    </div>
  );
}

/** Whether a body is JSON worth showing as a tree (large bodies stay text: a tree of them would be slow). */
export function isJsonBody(text: string, contentType: string | undefined): boolean {
  if (text.length > 256 * 1024) return false;
  if (!/json/i.test(contentType ?? '') && !/^\s*[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
