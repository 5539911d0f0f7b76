import { useEffect, useState } from 'react';
import { useDraftStore } from '../../stores/draft-store';
import { decodeDraft, sharedPart, shareUrl, ShareLinkError } from './share-link';

/** On load: a #r=… fragment restores the shared draft, or says clearly why it cannot. */
export function useSharedDraftFromLocation(): string | undefined {
  const load = useDraftStore((s) => s.load);
  const [error, setError] = useState<string>();
  useEffect(() => {
    const encoded = sharedPart(window.location.hash);
    if (!encoded) return;
    decodeDraft(encoded).then(
      (draft) => {
        load(draft);
        history.replaceState(null, '', window.location.pathname + window.location.search);
      },
      (e: unknown) => setError(e instanceof ShareLinkError ? e.message : 'The share link could not be read.'),
    );
  }, [load]);
  return error;
}

/** "Copy link": the whole draft in a URL that restores it exactly. */
export function CopyLinkButton() {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [left, setLeft] = useState<string[]>([]);
  const copy = async () => {
    const shared = await shareUrl(useDraftStore.getState().draft, window.location.origin + window.location.pathname);
    setLeft(shared.left);
    try {
      await navigator.clipboard.writeText(shared.url);
      setState('copied');
    } catch {
      window.prompt('Copy this link:', shared.url);
      setState('failed');
    }
    // Long enough to read what the link leaves out.
    window.setTimeout(() => setState('idle'), shared.left.length > 0 ? 8000 : 2000);
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()}>
        {state === 'copied' ? 'Link copied' : 'Copy link'}
      </button>
      {state !== 'idle' && left.length > 0 && (
        <span role="status" className="share-left-out">
          The link leaves out {left.join(', ')}: credentials stay yours, and whoever opens it fills in their own.
        </span>
      )}
    </>
  );
}
