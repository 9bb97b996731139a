import MarkdownIt from 'markdown-it';

/**
 * Product descriptions are written in Markdown and shown as HTML. Raw HTML in the source is not
 * rendered (it comes out escaped), and markdown-it's link check drops `javascript:`, `vbscript:`,
 * `file:` and non-image `data:` URLs, so the output is safe to put in a page as is: sanitising
 * here means producing only markup we generate, rather than filtering markup we received.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  // merchants' descriptions link out; those links should not pass search ranking or window access
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderDescription(source: string): string {
  return markdown.render(source);
}
