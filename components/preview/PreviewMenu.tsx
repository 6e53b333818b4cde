'use client';

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { PortsResponseSchema, PreviewPortSchema, previewOpenPath, type PortsResponse } from '../../protocol/http';
import { fetchJson } from '../http/fetch-json';

export interface PreviewMenuProps {
  /** Where the listening ports come from: the learner's own sandbox, or (for an instructor) one learner's. */
  portsUrl?: string;
  /** The platform path that opens a port's preview (a redirect to the preview's own origin). */
  openPath?(port: number): string;
  /** The button's text. */
  label?: string;
  /** The learner's environment the menu is about (the lesson's); the defaults then ask for it. */
  environment?: string;
}

type Listing = { state: 'loading' } | { state: 'loaded'; value: PortsResponse } | { state: 'failed'; error: string };

/**
 * "Web preview": the ports that listen in a sandbox now, each a link that
 * opens it in a new tab at its own origin (platform/preview), and a field for
 * a port that is not listening yet. A disclosure (button + panel), not an
 * ARIA menu: it holds a form. Esc or a click elsewhere closes it.
 */
export function PreviewMenu({ environment, label = 'Web preview', ...urls }: PreviewMenuProps) {
  const envQuery = environment ? `?${new URLSearchParams({ env: environment })}` : '';
  const portsUrl = urls.portsUrl ?? `/api/sandbox/ports${envQuery}`;
  const openPath = urls.openPath ?? ((port: number) => `${previewOpenPath(port)}${envQuery}`);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const away = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div ref={root} className="relative" onKeyDown={(e) => e.key === 'Escape' && open && (e.stopPropagation(), close())}>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="text-sky-700 hover:underline dark:text-sky-400"
        data-testid="preview-button"
        title="Open a port your sandbox serves in a new tab"
      >
        {label} ▾
      </button>
      {open && (
        <div
          id={panelId}
          role="region"
          aria-label="Web preview"
          data-testid="preview-panel"
          className="absolute right-0 z-30 mt-1 w-72 rounded border border-slate-300 bg-white p-3 text-sm text-slate-800 shadow-lg dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
        >
          <PreviewPorts portsUrl={portsUrl} openPath={openPath} who="you and your instructor" />
        </div>
      )}
    </div>
  );
}

/**
 * The ports of one sandbox as links to their previews, a field for another
 * port, and Refresh: what the learner's menu and the instructor's dialog show.
 */
export function PreviewPorts({ portsUrl, openPath, who }: { portsUrl: string; openPath(port: number): string; who: string }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [other, setOther] = useState('');
  const [otherError, setOtherError] = useState('');
  const formId = useId();

  /** Bumped by Refresh: each value is one listing asked for. */
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    let current = true;
    void fetchJson(portsUrl, PortsResponseSchema).then((result) => {
      if (current) setListing(result.ok ? { state: 'loaded', value: result.value } : { state: 'failed', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [portsUrl, asked]);

  const refresh = () => {
    setListing({ state: 'loading' });
    setAsked((n) => n + 1);
  };

  const openOther = (event: FormEvent) => {
    event.preventDefault();
    const port = PreviewPortSchema.safeParse(Number(other));
    if (!other.trim() || !port.success) return setOtherError('A port is a number from 1 to 65535.');
    setOtherError('');
    window.open(openPath(port.data), '_blank', 'noopener');
  };

  return (
    <>
      <PortList listing={listing} openPath={openPath} />
      <form onSubmit={openOther} className="mt-3 flex items-end gap-2" noValidate>
        <label className="flex flex-1 flex-col gap-1">
          <span className="text-slate-600 dark:text-slate-300">Another port</span>
          <input
            inputMode="numeric"
            value={other}
            onChange={(e) => setOther(e.target.value)}
            placeholder="8080"
            aria-invalid={otherError !== ''}
            aria-describedby={otherError ? `${formId}-error` : undefined}
            className="w-full rounded border border-slate-400 bg-white px-2 py-1 placeholder:text-slate-500 dark:border-slate-500 dark:bg-slate-800 dark:placeholder:text-slate-400"
            data-testid="preview-port-input"
          />
        </label>
        <button type="submit" className="rounded bg-sky-700 px-3 py-1 text-white hover:bg-sky-800">
          Open
        </button>
      </form>
      {otherError && (
        <p id={`${formId}-error`} role="alert" className="mt-1 text-rose-700 dark:text-rose-400">
          {otherError}
        </p>
      )}
      <div className="mt-3 flex justify-between gap-2 text-xs text-slate-600 dark:text-slate-300">
        <span>Only {who} can open these.</span>
        <button type="button" onClick={refresh} className="text-sky-700 hover:underline dark:text-sky-400">
          Refresh
        </button>
      </div>
    </>
  );
}

function PortList({ listing, openPath }: { listing: Listing; openPath(port: number): string }) {
  if (listing.state === 'loading') return <p className="text-slate-600 dark:text-slate-300">Looking for ports…</p>;
  if (listing.state === 'failed') return <p role="alert">Could not list the ports: {listing.error}</p>;
  const { sandbox, ports, unavailable } = listing.value;
  if (unavailable) return <p data-testid="preview-unavailable">{unavailable}</p>;
  if (!sandbox) return <p>No sandbox yet: it starts with the terminal.</p>;
  if (ports.length === 0) {
    return (
      <p data-testid="preview-no-ports">
        Nothing listens in the sandbox yet. Start a server, e.g. <code>docker run -d -p 8080:80 nginx</code>, then Refresh.
      </p>
    );
  }
  return (
    <ul className="flex flex-wrap gap-2" aria-label="Listening ports">
      {ports.map((port) => (
        <li key={port}>
          <a
            href={openPath(port)}
            target="_blank"
            rel="noopener noreferrer"
            className="inline-block rounded border border-sky-700 px-2 py-0.5 font-mono text-sky-800 hover:bg-sky-50 dark:border-sky-400 dark:text-sky-300 dark:hover:bg-slate-800"
            data-testid={`preview-port-${port}`}
          >
            :{port} ↗
          </a>
        </li>
      ))}
    </ul>
  );
}
