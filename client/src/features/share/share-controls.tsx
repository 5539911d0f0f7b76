import { useEffect, useState } from 'react';
import { useDraftStore } from '../composer/draft-store';
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
  const copy = async () => {
    const url = await shareUrl(useDraftStore.getState().draft, window.location.origin + window.location.pathname);
    try {
      await navigator.clipboard.writeText(url);
      setState('copied');
    } catch {
      window.prompt('Copy this link:', url);
      setState('failed');
    }
    window.setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" className="secondary" onClick={() => void copy()}>
      {state === 'copied' ? 'Link copied' : 'Copy link'}
    </button>
  );
}
