import { useEffect } from 'react';
import { useReferenceStore } from '../reference/reference-store';

const CLASS_WORDS: Record<string, string> = {
  '1': 'Informational: the server got the request and the final answer is still to come.',
  '2': 'Success: the request worked.',
  '3': 'Redirection: the answer is somewhere else, or you already have it.',
  '4': 'Client error: something about the request must change before it can work.',
  '5': 'Server error: the request may be fine; the server failed to handle it.',
};

/** What a status code means (from the lessons dataset), with its class for codes the dataset lacks. */
export function StatusAnnotation({ status }: { status: number }) {
  const info = useReferenceStore((s) => s.statusCodes.get(status));
  const load = useReferenceStore((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  const classWords = CLASS_WORDS[String(status)[0]!] ?? 'Not a valid status class: a client treats it as a server error.';
  return (
    <div className="status-annotation">
      <p>
        <strong>{info ? info.meaning : classWords}</strong>
      </p>
      {info?.next && <p>{info.next}</p>}
      {info && <p className="muted">{classWords}</p>}
      {info?.lesson && (
        <p>
          <a href={info.lesson}>Learn more in the lesson</a>
        </p>
      )}
    </div>
  );
}
