import { expect } from 'chai';
import { newId } from '@cartwright/core';
import { TwilioChannel } from '@cartwright/plugin-twilio';
import { orderShippedText } from './twilio-support.ts';

const accountSid = process.env.TWILIO_ACCOUNT_SID ?? '';
const authToken = process.env.TWILIO_AUTH_TOKEN ?? '';
// Twilio's magic sender: with test credentials it is accepted and nothing is sent or charged; with
// live credentials every send is refused (21606, a number the account does not own), so no one is texted
const MAGIC_FROM = '+15005550006';

describe('twilio: against api.twilio.com with test credentials', function () {
  this.timeout(60_000);
  if (!accountSid || !authToken) {
    it('sends through the real API and maps its refusals of Twilio’s magic numbers (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to the account’s test credentials to run)');
    return;
  }
  const channel = new TwilioChannel({ accountSid, authToken, from: MAGIC_FROM, timeoutMs: 30_000 });
  const text = (phone: string) => orderShippedText({ to: { phone }, text: `Cartwright live suite ${newId('kit')}` });

  it('sends a text and answers the SM sid Twilio gave it', async () => {
    const result = await channel.send(text('+14108675310'));
    expect(result.status, JSON.stringify(result)).to.equal('sent');
    expect((result as { providerMessageId: string }).providerMessageId).to.match(/^SM[0-9a-f]{32}$/);
  });

  // Twilio's documented magic "To" numbers for test credentials, each answering one error
  const refusals = [
    { phone: '+15005550001', code: 'TWILIO_RECIPIENT_REFUSED', twilio: 21211 },
    { phone: '+15005550002', code: 'TWILIO_RECIPIENT_REFUSED', twilio: 21612 },
    { phone: '+15005550003', code: 'TWILIO_RECIPIENT_REFUSED', twilio: 21408 },
    { phone: '+15005550004', code: 'TWILIO_RECIPIENT_UNSUBSCRIBED', twilio: 21610 },
    { phone: '+15005550009', code: 'TWILIO_RECIPIENT_REFUSED', twilio: 21614 },
  ];
  for (const { phone, code, twilio } of refusals) {
    it(`answers ${code}, not retryable, for ${phone} (Twilio error ${twilio})`, async () => {
      const result = await channel.send(text(phone));
      expect(result).to.include({ status: 'failed', retryable: false });
      expect((result as { reason: string }).reason).to.match(new RegExp(`^${code}: Twilio error ${twilio}, HTTP 400`));
    });
  }
});
