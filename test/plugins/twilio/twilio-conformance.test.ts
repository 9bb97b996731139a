import { runNotificationChannelConformance } from '@cartwright/core/testing';
import { startTwilioStandIn } from '@cartwright/plugin-twilio/testing';
import { CALLBACK_URL, standInChannel, twilioStatusOf } from './twilio-support.ts';

runNotificationChannelConformance({
  name: 'Twilio (@cartwright/plugin-twilio, the twilio SDK against a local stand-in of the Messages API, with status callbacks)',
  async create() {
    const standIn = await startTwilioStandIn();
    standIn.refuseNumber('+15005550001', { status: 400, code: 21614, message: "'To' number +15005550001 is not a valid mobile number" });
    const channel = standInChannel(standIn, { statusCallbackUrl: CALLBACK_URL });
    return {
      channel,
      recipient: { userId: 'usr_kit', name: 'Ada Lovelace', phone: '+4915112345678' },
      refusedRecipient: { userId: 'usr_landline', phone: '+15005550001' },
      received: async () => standIn.messages().map((message) => ({ to: message.to, text: message.body })),
      async signedReport({ providerMessageId, status }) {
        standIn.advance(providerMessageId, twilioStatusOf(status));
        return standIn.statusCallback(providerMessageId);
      },
      cleanup: () => standIn.stop(),
    };
  },
});

runNotificationChannelConformance({
  name: 'Twilio with an API key and a Messaging Service, without status callbacks (against a local stand-in)',
  async create() {
    const standIn = await startTwilioStandIn();
    const channel = standInChannel(standIn, {
      authToken: undefined,
      apiKeySid: standIn.apiKey.sid,
      apiKeySecret: standIn.apiKey.secret,
      from: undefined,
      messagingServiceSid: `MG${'0'.repeat(31)}1`,
      id: 'sms',
    });
    return {
      channel,
      recipient: { phone: '+447700900123' },
      received: async () => standIn.messages().map((message) => ({ to: message.to, text: message.body })),
      cleanup: () => standIn.stop(),
    };
  },
});
