import { useEffect } from 'react';
import { useReferenceStore } from '../../stores/reference-store';

/** Plain words for each class, for any code the dataset lacks (RFC 9110 §15: treat it as x00). */
const CLASS_WORDS: Record<string, string> = {
  '1': 'Informational: the server got the request and the final answer is still to come.',
  '2': 'Success: the request worked.',
  '3': 'Redirection: the answer is somewhere else, or you already have it.',
  '4': 'Client error: something about the request must change before it can work.',
  '5': 'Server error: the request may be fine; the server failed to handle it.',
};

/** What a status code means (from the lessons dataset), with its class for codes the dataset lacks. */
export function StatusAnnotation({ status, onOpenLesson }: { status: number; onOpenLesson?: (id: string) => void }) {
  const info = useReferenceStore((s) => s.statusCodes.get(status));
  const lesson = useReferenceStore((s) => s.lessons.find((l) => l.codes.includes(status)));
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
      {info?.next && (
        <p>
          <span className="label">Next:</span> {info.next}
        </p>
      )}
      {info && (
        <details>
          <summary>More about {status}</summary>
          <p className="muted">{classWords}</p>
          <p>
            <span className="label">You meet it:</span> {info.when}
          </p>
          <p>
            <span className="label">Common mistake:</span> {info.mistake}
          </p>
          {info.related.length > 0 && (
            <p>
              <span className="label">Related:</span> {info.related.join(', ')}
            </p>
          )}
          <p className="muted">Defined in {info.rfc}.{info.standard ? '' : ' Not a standard HTTP code.'}</p>
        </details>
      )}
      {lesson && (
        <p>
          <a
            href={`/lessons/${lesson.id}`}
            onClick={(event) => {
              // Opened in place, so the exchange on screen stays; a modified click still opens a new tab.
              if (!onOpenLesson || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              onOpenLesson(lesson.id);
            }}
          >
            Lesson: {lesson.title}
          </a>
        </p>
      )}
    </div>
  );
}
