import { useEffect, useState } from 'react';
import { toDataURL } from 'qrcode';

/** A QR code drawn by the qrcode library, shown as an image (no markup from strings). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let live = true;
    toDataURL(text, { margin: 1, width: 240, errorCorrectionLevel: 'M' }).then((url) => {
      if (live) setSrc(url);
    }, () => undefined);
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img className="qr" src={src} alt={label} width={240} height={240} /> : <div className="qr" aria-hidden="true" />;
}
