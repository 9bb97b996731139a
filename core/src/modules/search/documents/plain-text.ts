import MarkdownIt, { type Token } from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: false });

/**
 * The words of a Markdown description without its markup, for the search index: link text stays,
 * URLs, emphasis marks and headings' hashes go. Raw HTML stays as the text it is, since product pages
 * show it escaped (see catalog/markdown.ts), never as markup.
 */
export function markdownToPlainText(source: string): string {
  const parts: string[] = [];
  const collect = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.type === 'inline' && token.children) collect(token.children);
      else if (token.type === 'text' || token.type === 'code_inline' || token.type === 'code_block' || token.type === 'fence') parts.push(token.content);
      else if (token.type === 'image') collect(token.children ?? []);
      else if (token.type === 'softbreak' || token.type === 'hardbreak' || token.type.endsWith('_close')) parts.push(' ');
    }
  };
  collect(markdown.parse(source, {}));
  return parts.join('').replace(/\s+/g, ' ').trim();
}
