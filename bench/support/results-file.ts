import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * bench/RESULTS.md holds one section per benchmark, each between its own markers, so running one
 * benchmark replaces its figures and keeps the others'. Sections stay in the order they were first written.
 */
export function writeResultsSection(file: string, name: string, markdown: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}\n`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  let next: string;
  if (from >= 0 && to > from) next = current.slice(0, from) + block + current.slice(to + end.length + 1);
  // a file from before the markers: its content was the catalog benchmark's
  else if (current && !current.includes('<!-- bench:')) next = name === 'catalog' ? block : `<!-- bench:catalog:start -->\n${current.trim()}\n<!-- bench:catalog:end -->\n\n${block}`;
  else next = current ? `${current.trimEnd()}\n\n${block}` : block;
  writeFileSync(file, next);
}
