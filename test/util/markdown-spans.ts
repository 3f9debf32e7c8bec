/**
 * The inline code spans of a Markdown text, read the way CommonMark reads them, for the extractors
 * of documented commands (test/util/documented-commands.ts, test/util/documented-pulumi.ts).
 *
 * A code span may run over a line break inside one paragraph or list item: Markdown renders
 * "`npx jest` + line break + `test/x.test.ts`" as one span, `npx jest test/x.test.ts`. Reading the
 * text a line at a time missed such a span (its command went unchecked) and paired the backtick
 * that closed it with the next span's opening one. CommonMark's rules kept here: a span opens and
 * closes with backtick strings of the same length; a line break inside it reads as a space; it
 * does not cross a blank line, a fenced code block, a heading, a table row or the start of another
 * list item; one space each side is stripped when both are there and the content is not all
 * spaces. Fenced code blocks (``` or ~~~) hold no spans.
 */

/** One inline code span. */
export interface MarkdownCodeSpan {
  /** 1-based line of the span's opening backtick. */
  readonly line: number;
  /** The span's content, line breaks read as spaces. */
  readonly code: string;
}

/** A line that starts a block of its own: a heading, a table row or a list item. */
const BLOCK_START = /^\s{0,3}(?:#{1,6}\s|\||[-*+]\s|\d{1,9}[.)]\s)/;

/** A fence line: up to 3 spaces, then 3 or more backticks or tildes. */
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** The code spans of one run of lines that CommonMark reads as one inline text. */
function spansOfRun(lines: readonly string[], firstLine: number): MarkdownCodeSpan[] {
  const spans: MarkdownCodeSpan[] = [];
  const text = lines.join('\n');
  /** Line number of the character at `offset`. */
  const lineAt = (offset: number): number =>
    firstLine + (text.slice(0, offset).match(/\n/g)?.length ?? 0);
  let offset = 0;
  while (offset < text.length) {
    const opening = /`+/g;
    opening.lastIndex = offset;
    const open = opening.exec(text);
    if (open === null) break;
    const ticks = open[0];
    const closing = new RegExp(`(?<!\`)${ticks}(?!\`)`, 'g');
    closing.lastIndex = open.index + ticks.length;
    const close = closing.exec(text);
    if (close === null) {
      // An opening with no closing of its length is literal backticks.
      offset = open.index + ticks.length;
      continue;
    }
    let code = text.slice(open.index + ticks.length, close.index).replace(/\n/g, ' ');
    if (code.length > 1 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') {
      code = code.slice(1, -1);
    }
    spans.push({ line: lineAt(open.index), code });
    offset = close.index + ticks.length;
  }
  return spans;
}

/** Every inline code span of `text`, in order. */
export function markdownCodeSpans(text: string): MarkdownCodeSpan[] {
  const spans: MarkdownCodeSpan[] = [];
  let run: string[] = [];
  let runStart = 1;
  const endRun = (): void => {
    if (run.length > 0) spans.push(...spansOfRun(run, runStart));
    run = [];
  };
  let fence: string | undefined;
  text.split('\n').forEach((line, index) => {
    const fenceMark = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (fenceMark !== undefined && fenceMark[0] === fence[0] && fenceMark.length >= fence.length)
        fence = undefined;
      return;
    }
    if (fenceMark !== undefined) {
      endRun();
      fence = fenceMark;
      return;
    }
    if (line.trim() === '') {
      endRun();
      return;
    }
    const table = /^\s{0,3}\|/.test(line);
    if (BLOCK_START.test(line) || table) endRun();
    if (run.length === 0) runStart = index + 1;
    run.push(line);
    // A table row is a block of its own: the next line starts another.
    if (table) endRun();
  });
  endRun();
  return spans;
}
