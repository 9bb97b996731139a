import { expect } from 'chai';
import { failureOf, resolveOptions } from '@cartwright/plugin-smtp';

const from = { address: 'orders@Shop.Example', name: 'Shop' };

describe('smtp: options', () => {
  it('reads the server and login from SMTP_URL, implicit TLS for smtps', () => {
    const resolved = resolveOptions({ from }, { SMTP_URL: 'smtps://apikey:p%40ss@smtp.sendgrid.net' });
    expect(resolved).to.deep.include({ id: 'smtp', name: 'SMTP (smtp.sendgrid.net)', host: 'smtp.sendgrid.net', port: 465, tls: 'implicit', auth: { user: 'apikey', password: 'p@ss' }, messageIdDomain: 'shop.example' });
  });

  it('takes SMTP_USER and SMTP_PASSWORD over the URL’s login, and requires STARTTLS on 587 by default', () => {
    const resolved = resolveOptions({ from }, { SMTP_URL: 'smtp://old:old@smtp.postmarkapp.com:587', SMTP_USER: 'server-token', SMTP_PASSWORD: 'server-token' });
    expect(resolved).to.deep.include({ host: 'smtp.postmarkapp.com', port: 587, tls: 'starttls', auth: { user: 'server-token', password: 'server-token' } });
  });

  it('prefers the host option to SMTP_URL, and applies the defaults', () => {
    const resolved = resolveOptions({ host: 'email-smtp.eu-west-1.amazonaws.com', from }, { SMTP_URL: 'smtp://elsewhere.example' });
    expect(resolved).to.deep.include({ host: 'email-smtp.eu-west-1.amazonaws.com', port: 587, tls: 'starttls', auth: null, replyTo: null, maxConnections: 5, connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 60_000, dkim: null });
    expect(resolveOptions({ host: 'smtp.mailgun.org', port: 465, from }, {}).tls).to.equal('implicit');
  });

  it('stops with a message naming what is missing', () => {
    expect(() => resolveOptions({ from }, {})).to.throw(/SMTP_URL/);
    expect(() => resolveOptions({ host: 'smtp.example', user: 'u', from }, {})).to.throw(/SMTP_PASSWORD/);
    expect(() => resolveOptions({ host: 'smtp.example', from }, { SMTP_PASSWORD: 'p' })).to.throw(/SMTP_USER/);
    expect(() => resolveOptions({ host: 'smtp.example', from, dkim: { domainName: 'shop.example', keySelector: 's1' } }, {})).to.throw(/SMTP_DKIM_PRIVATE_KEY/);
    expect(resolveOptions({ host: 'smtp.example', from, dkim: { domainName: 'shop.example', keySelector: 's1' } }, { SMTP_DKIM_PRIVATE_KEY: 'PEM' }).dkim).to.deep.equal({ domainName: 'shop.example', keySelector: 's1', privateKey: 'PEM' });
  });
});

describe('smtp: reply codes', () => {
  const cases: Array<[string, Parameters<typeof failureOf>[0], string, boolean]> = [
    ['421 at MAIL', { code: 'EENVELOPE', responseCode: 421, response: '421 4.7.0 Try later' }, 'SMTP_DEFERRED', true],
    ['450 at RCPT', { code: 'EENVELOPE', responseCode: 450, response: '450 4.2.1 Mailbox busy' }, 'SMTP_DEFERRED', true],
    ['451 after DATA', { code: 'EMESSAGE', responseCode: 451, response: '451 4.3.0 Error' }, 'SMTP_DEFERRED', true],
    ['452 at RCPT', { code: 'EENVELOPE', responseCode: 452, response: '452 4.3.1 Full' }, 'SMTP_DEFERRED', true],
    ['503 bad sequence', { code: 'EPROTOCOL', responseCode: 503, response: '503 5.5.1 Bad sequence' }, 'SMTP_DEFERRED', true],
    ['535 credentials', { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Bad credentials' }, 'SMTP_AUTH_FAILED', true],
    ['530 auth required', { code: 'EENVELOPE', responseCode: 530, response: '530 5.7.0 Authentication required' }, 'SMTP_AUTH_FAILED', true],
    ['550 at RCPT', { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user' }, 'SMTP_RECIPIENT_REFUSED', false],
    ['551 at RCPT', { code: 'EENVELOPE', responseCode: 551, response: '551 User not local' }, 'SMTP_RECIPIENT_REFUSED', false],
    ['553 at RCPT', { code: 'EENVELOPE', responseCode: 553, response: '553 Mailbox name not allowed' }, 'SMTP_RECIPIENT_REFUSED', false],
    ['550 after DATA', { code: 'EMESSAGE', responseCode: 550, response: '550 5.7.1 Spam' }, 'SMTP_MESSAGE_REFUSED', false],
    ['552 after DATA', { code: 'EMESSAGE', responseCode: 552, response: '552 Too big' }, 'SMTP_MESSAGE_REFUSED', false],
    ['554 after DATA', { code: 'EMESSAGE', responseCode: 554, response: '554 Rejected' }, 'SMTP_MESSAGE_REFUSED', false],
    ['connection refused', { code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' }, 'SMTP_UNREACHABLE', true],
    ['timeout', { code: 'ETIMEDOUT', message: 'Greeting never received' }, 'SMTP_UNREACHABLE', true],
    ['STARTTLS missing', { code: 'ETLS', message: 'Server does not support STARTTLS' }, 'SMTP_UNREACHABLE', true],
    ['an address nodemailer cannot use', { code: 'EENVELOPE', message: 'No recipients defined' }, 'SMTP_RECIPIENT_REFUSED', false],
    ['something else', { message: 'boom' }, 'SMTP_FAILED', true],
  ];
  for (const [what, error, code, retryable] of cases) {
    it(`${what} → ${code}, ${retryable ? 'retryable' : 'permanent'}`, () => {
      const failure = failureOf(error);
      expect(failure).to.include({ code, retryable });
      expect(failure.reason).to.equal(`${code}: ${error.response ?? error.message}`);
    });
  }
});
