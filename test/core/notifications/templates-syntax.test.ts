import { expect } from 'chai';
import { DEFAULT_RULES } from '../../../core/src/modules/notifications/rules/rule-definitions.ts';
import { DEFAULT_TEMPLATES, defaultTemplate } from '../../../core/src/modules/notifications/templates/default-templates.ts';
import { smsLength, smsWarnings } from '../../../core/src/modules/notifications/templates/sms-length.ts';
import { checkTemplate } from '../../../core/src/modules/notifications/templates/template-checks.ts';
import { localeChain } from '../../../core/src/modules/notifications/templates/template-renderer.ts';
import { parseTemplate, renderNodes, TemplateSyntaxError, type OutputMode } from '../../../core/src/modules/notifications/templates/template-syntax.ts';

function fill(source: string, data: Record<string, unknown>, mode: OutputMode = 'html') {
  const missing = new Set<string>();
  const out = renderNodes(parseTemplate(source), data, { mode, format: (v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined) }, missing);
  return { out, missing: [...missing] };
}

describe('notifications › template syntax', () => {
  it('inserts values, and runs #if, #unless, else and #each over own properties only', () => {
    const data = { name: 'Ada', lines: [{ title: 'A' }, { title: 'B' }], none: [], flag: false };
    expect(fill('Hi {{ name }}{{#if flag}}!{{else}}.{{/if}}{{#unless flag}}?{{/unless}}', data).out).to.equal('Hi Ada.?');
    expect(fill('{{#each lines}}[{{ this.title }}|{{ name }}]{{/each}}{{#if none}}x{{/if}}', data).out).to.equal('[A|Ada][B|Ada]');
    expect(fill('{{ toString }}{{ name.length }}', data)).to.deep.equal({ out: '', missing: ['toString', 'name.length'] });
  });

  it('never parses a value as a template and escapes it for HTML', () => {
    const data = { name: '{{ secret }}<script>alert("x")</script>', secret: 'leaked' };
    expect(fill('{{ name }}', data).out).to.equal('{{ secret }}&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(fill('{{ name }}', data, 'text').out).to.equal('{{ secret }}<script>alert("x")</script>');
    expect(fill('a {{ name }}\r\nb', { name: 'x\r\ny' }, 'line').out).to.equal('a x y\r\nb');
  });

  it('refuses malformed tags and names that reach the prototype', () => {
    for (const source of ['{{ a', '{{#if a}}x', '{{/if}}', '{{#each a}}{{/if}}', '{{ __proto__ }}', '{{ a.constructor }}', '{{ a.prototype }}', '{{{ raw }}}', '{{ a-b }}', '{{> partial }}', '{{else}}']) {
      expect(() => parseTemplate(source), source).to.throw(TemplateSyntaxError);
    }
  });

  it('counts SMS length in GSM-7 septets or UCS-2 units', () => {
    expect(smsLength('Hello €')).to.include({ encoding: 'GSM-7', units: 8 });
    expect(smsLength('Paket 📦')).to.include({ encoding: 'UCS-2', units: 8, limit: 70 });
    expect(smsWarnings('x'.repeat(160))).to.deep.equal([]);
    expect(smsWarnings('x'.repeat(161))).to.have.length(1);
    expect(smsWarnings('ś'.repeat(71))).to.have.length(2);
  });

  it('tries the locale, its language, the store default, then en', () => {
    expect(localeChain('de-AT', 'fr')).to.deep.equal(['de-AT', 'de', 'fr', 'en']);
    expect(localeChain('DE-at', 'en')).to.deep.equal(['de-AT', 'de', 'en']);
    expect(localeChain('not a locale', 'en')).to.deep.equal(['en']);
  });

  it('ships defaults that pass their own checks, with an email for every default rule and SMS where a rule sends SMS', () => {
    for (const [key, content] of DEFAULT_TEMPLATES) {
      const [template, channel] = key.split('|') as [string, 'email' | 'sms' | 'in_app' | 'push'];
      expect(() => checkTemplate(template, channel, content), key).not.to.throw();
    }
    for (const rule of DEFAULT_RULES.filter((r) => r.audience !== 'requested')) {
      for (const channel of rule.channels) expect(defaultTemplate(rule.template, channel, 'en'), `${rule.id} ${channel}`).to.not.equal(undefined);
    }
    for (const template of ['auth.verify_email', 'auth.password_reset']) expect(defaultTemplate(template, 'email', 'en')).to.not.equal(undefined);
    for (const [key, content] of DEFAULT_TEMPLATES) {
      if (key.includes('|sms|')) expect(smsLength(content.text).encoding, key).to.equal('GSM-7');
    }
  });
});
