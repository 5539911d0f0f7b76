// Lesson text as Markdown — paragraphs, lists, links, code, emphasis, tables (GFM) — rendered as React
// elements by react-markdown. Raw HTML in a lesson is never rendered: it shows as text. Links open in a
// new tab, and react-markdown drops unsafe URLs such as javascript:.
import type { ComponentProps, ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

const PLUGINS = [remarkGfm];

function Link({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) {
  return <a {...props} target="_blank" rel="noopener noreferrer" />;
}

function Table({ node: _node, ...props }: ComponentProps<'table'> & { node?: unknown }) {
  // Wide tables scroll on their own instead of widening the page on a phone.
  return (
    <div className="md-table">
      <table {...props} />
    </div>
  );
}

const BLOCK: Components = { a: Link, table: Table };
// Inline text (a hint after its label): paragraphs become plain runs of text.
const INLINE: Components = { ...BLOCK, p: ({ children }: { children?: ReactNode }) => <>{children}</> };

/** Renders lesson Markdown; `inline` for a short text that sits inside a sentence or after a label. */
export function LessonMarkdown({ children, inline = false }: { children: string; inline?: boolean }) {
  const rendered = (
    <Markdown remarkPlugins={PLUGINS} components={inline ? INLINE : BLOCK}>
      {children}
    </Markdown>
  );
  return inline ? <span className="md md-inline">{rendered}</span> : <div className="md">{rendered}</div>;
}
