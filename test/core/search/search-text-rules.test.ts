import { expect } from 'chai';
import { normaliseQuery } from '../../../core/src/modules/search/analytics/search-analytics.ts';
import { markdownToPlainText } from '../../../core/src/modules/search/documents/plain-text.ts';

describe('search text rules', () => {
  describe('markdownToPlainText', () => {
    it('keeps the words and drops the markup', () => {
      expect(markdownToPlainText('# Brass lamp\n\nA **heavy** _lamp_ with a [linen shade](https://example.com/shade).')).to.equal(
        'Brass lamp A heavy lamp with a linen shade .',
      );
      expect(markdownToPlainText('- one\n- two\n\n> quoted `code`\n\n```\nblock\n```')).to.equal('one two quoted code block');
      expect(markdownToPlainText('![alt text](pic.png) after')).to.equal('alt text after');
    });

    it('keeps raw HTML as the text a product page shows for it', () => {
      expect(markdownToPlainText('<b>bold</b>\n\nSafe words')).to.equal('<b>bold</b> Safe words');
    });

    it('answers an empty text for an empty description', () => {
      expect(markdownToPlainText('')).to.equal('');
    });
  });

  describe('normaliseQuery', () => {
    it('trims, lower-cases and collapses whitespace', () => {
      expect(normaliseQuery('  Desk \t LAMP\n')).to.equal('desk lamp');
      expect(normaliseQuery('Crème')).to.equal(normaliseQuery('Cre\u0300me'));
      expect(normaliseQuery('   ')).to.equal('');
    });
  });
});
