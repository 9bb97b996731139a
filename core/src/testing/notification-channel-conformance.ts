import assert from 'node:assert/strict';
import { newId } from '../kernel/ids.ts';
import type {
  ChannelKind,
  DeliveryReport,
  DeliveryStatus,
  MessageRecipient,
  NotificationChannel,
  OutgoingMessage,
  SendResult,
} from '../modules/notifications/channels/notification-channel.ts';
import { eventually } from './eventually.ts';
import { altered, capabilityTest, globalRunner, isNonEmptyString, type ConformanceRunner } from './conformance-runner.ts';

/** A message as the far end got it: read back from the test server, the sandbox, or the inbox. */
export interface ReceivedMessage {
  /** Where it arrived: the email address, the phone number, the push endpoint, or the user id (in-app). */
  to: string;
  /** Email subject, push title, in-app title; null or absent for SMS. */
  subject?: string | null;
  /** The plain-text body (the email's text part). */
  text: string;
  /** The email's HTML part. */
  html?: string | null;
  /** The email headers, by name (any case), unfolded. */
  headers?: Record<string, string>;
}

/** A channel to check, prepared fresh for one run of the kit. */
export interface NotificationChannelUnderTest {
  channel: NotificationChannel;
  /** A recipient the channel can reach and `received()` can read back (an address the test server takes). */
  recipient: MessageRecipient;
  /** Everything that arrived so far (the kit finds its own messages by a marker in their text). */
  received(): Promise<ReceivedMessage[]>;
  /** A recipient the service refuses for good (an address the server rejects with 550). Without it, that test is skipped "(not given)". */
  refusedRecipient?: MessageRecipient;
  /**
   * Needed when the channel claims `webhooks`: an authentic delivery report from the service about
   * a message the kit sent. The kit also sends it with its body or signature altered and expects a
   * rejection with code `NOTIFICATION_WEBHOOK_INVALID`.
   */
  signedReport?(report: { providerMessageId: string; status: DeliveryStatus }): Promise<{ rawBody: Buffer; headers: Record<string, string> }>;
  /** Runs once after the tests (stop the test server, close the channel's connections). */
  cleanup?(): Promise<void>;
}

export interface NotificationChannelConformanceOptions {
  /** Shown in the test titles. */
  name: string;
  /** Called once before the tests. */
  create(): Promise<NotificationChannelUnderTest>;
  /** Defaults to the global mocha functions (see ConformanceRunner in conformance-runner.ts). */
  runner?: ConformanceRunner;
  /** How long a sent message may take to show in `received()`, in ms (default 15000: it bounds a hung test, it does not measure speed). */
  arrivalTimeoutMs?: number;
}

const KINDS: readonly ChannelKind[] = ['email', 'sms', 'push', 'in_app'];
const STATUSES: readonly DeliveryStatus[] = ['sent', 'delivered', 'failed', 'bounced'];
const CAPABILITIES = ['deliveryStatus', 'webhooks'] as const;

/** Line endings and trailing blanks differ between services (an email's text part ends in CRLF); the words must not. */
const normalised = (text: string | null | undefined): string => (text ?? '').replace(/\r\n?/g, '\n').trimEnd();

/** The recipient's address the channel's kind reaches, which a message without it cannot be sent to. */
function addressOf(kind: ChannelKind, recipient: MessageRecipient): string | null {
  switch (kind) {
    case 'email':
      return recipient.email ?? null;
    case 'sms':
      return recipient.phone ?? null;
    case 'push':
      return recipient.pushSubscriptions?.[0]?.endpoint ?? null;
    case 'in_app':
      return recipient.userId ?? null;
  }
}

function withoutAddress(kind: ChannelKind, recipient: MessageRecipient): MessageRecipient {
  switch (kind) {
    case 'email':
      return { ...recipient, email: null };
    case 'sms':
      return { ...recipient, phone: null };
    case 'push':
      return { ...recipient, pushSubscriptions: [] };
    case 'in_app':
      return { ...recipient, userId: null };
  }
}

function checkSendResult(result: SendResult, call: string): void {
  assert.ok(result && typeof result === 'object', `${call} must resolve with a SendResult`);
  assert.ok(['sent', 'delivered', 'failed'].includes(result.status), `${call}: status "${String((result as { status?: unknown }).status)}" is not sent, delivered or failed`);
  if (result.status === 'failed') {
    assert.equal(typeof result.retryable, 'boolean', `${call}: a failed result must say whether it is retryable`);
    assert.ok(isNonEmptyString(result.reason), `${call}: a failed result must give a reason for the delivery log`);
  } else {
    assert.ok(result.providerMessageId === null || isNonEmptyString(result.providerMessageId), `${call}: providerMessageId must be null or the service's non-empty id`);
  }
}

function checkReport(report: DeliveryReport, providerMessageId: string, call: string): void {
  assert.ok(report && typeof report === 'object', `${call} must resolve with a DeliveryReport`);
  assert.equal(report.providerMessageId, providerMessageId, `${call}: the report must be about ${providerMessageId}`);
  assert.ok(STATUSES.includes(report.status), `${call}: status "${String(report.status)}" is not one of ${STATUSES.join(', ')}`);
  assert.ok(report.occurredAt instanceof Date && !Number.isNaN(report.occurredAt.getTime()), `${call}: occurredAt must be a valid Date`);
  assert.ok(report.reason === null || typeof report.reason === 'string', `${call}: reason must be null or a string`);
}

/**
 * Declares the tests every `NotificationChannel` must pass: the contract in
 * `notification-channel.ts`, checked by sending real messages to a service the test can read back
 * (a local SMTP server, a stand-in of the SMS API, the inbox). Each capability the channel claims is
 * checked; the others appear as pending tests titled "(not claimed)", and their methods must be
 * absent. See docs/plugins/notification-channels.md.
 *
 * @example
 * ```ts
 * import { runNotificationChannelConformance } from '@cartwright/core/testing';
 *
 * runNotificationChannelConformance({
 *   name: 'Acme SMS',
 *   async create() {
 *     const standIn = await startAcmeStandIn();
 *     const channel = new AcmeSmsChannel({ apiBase: standIn.url, apiKey: 'test' });
 *     return {
 *       channel,
 *       recipient: { phone: '+4915112345678' },
 *       received: async () => standIn.messages().map((m) => ({ to: m.to, text: m.body })),
 *       refusedRecipient: { phone: standIn.blockedNumber },
 *       signedReport: (report) => standIn.signedStatusCallback(report),
 *       cleanup: () => standIn.stop(),
 *     };
 *   },
 * });
 * ```
 */
export function runNotificationChannelConformance(options: NotificationChannelConformanceOptions): void {
  const { describe, it, before, after } = options.runner ?? globalRunner();

  describe(`NotificationChannel conformance: ${options.name}`, () => {
    let subject: NotificationChannelUnderTest | undefined;
    const under = (): NotificationChannelUnderTest => {
      if (!subject) throw new Error(`the create() of "${options.name}" did not complete`);
      return subject;
    };
    const channel = () => under().channel;
    const claims = () => channel().capabilities;

    before(async () => {
      subject = await options.create();
    });
    after(async () => {
      await subject?.cleanup?.();
    });

    const whenClaimed = capabilityTest<(typeof CAPABILITIES)[number]>(it, claims);

    /** A message unique to one test: its marker finds it among what arrived. */
    const messageTo = (recipient: MessageRecipient): OutgoingMessage & { marker: string } => {
      const marker = newId('kit');
      const kind = channel().kind;
      return {
        marker,
        id: newId('msg'),
        idempotencyKey: newId('idem'),
        to: recipient,
        ...(kind === 'sms' ? {} : { subject: `Your order has shipped (${marker})` }),
        text: kind === 'sms' ? `Order shipped ${marker}` : `Hello,\nyour order has shipped.\nReference: ${marker}`,
        ...(kind === 'email'
          ? {
              html: `<!doctype html><html><body><p>Hello,</p><p>your order has shipped.</p><p>Reference: <b>${marker}</b></p></body></html>`,
              headers: {
                'List-Unsubscribe': `<https://shop.example/unsubscribe/${marker}>, <mailto:unsubscribe@shop.example?subject=${marker}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              },
            }
          : {}),
        link: '/account/orders',
        category: 'orders',
      };
    };

    const arrivalsOf = async (marker: string): Promise<ReceivedMessage[]> => (await under().received()).filter((message) => message.text.includes(marker));
    const arrived = (marker: string): Promise<ReceivedMessage> =>
      eventually(
        async () => {
          const found = await arrivalsOf(marker);
          assert.equal(found.length, 1, `the message ${marker} must arrive exactly once; ${found.length} arrived`);
          return found[0]!;
        },
        { timeout: options.arrivalTimeoutMs ?? 15_000 },
      );

    const sendAccepted = async (message: OutgoingMessage): Promise<{ status: 'sent' | 'delivered'; providerMessageId: string | null }> => {
      const result = await channel().send(message);
      checkSendResult(result, 'send');
      assert.notEqual(result.status, 'failed', `send() to a recipient the service takes must be sent or delivered; it failed: ${result.status === 'failed' ? result.reason : ''}`);
      return result as { status: 'sent' | 'delivered'; providerMessageId: string | null };
    };

    it('has a stable id usable in a URL, a kind, a name to show, and says what it can do', async () => {
      const { id, kind, name, capabilities } = channel();
      assert.ok(typeof id === 'string' && /^[a-z0-9][a-z0-9_-]{0,49}$/.test(id), `id "${String(id)}" must be 1 to 50 lower-case letters, digits, "-" or "_" (it goes into /webhooks/:id)`);
      assert.ok(KINDS.includes(kind), `kind "${String(kind)}" is not one of ${KINDS.join(', ')}`);
      assert.ok(isNonEmptyString(name), 'name must be a non-empty string');
      for (const capability of CAPABILITIES) assert.equal(typeof capabilities?.[capability], 'boolean', `capabilities.${capability} must be true or false`);
      assert.equal(channel().id, id, 'id must not change between reads');
      assert.ok(addressOf(kind, under().recipient), `create() must give a recipient with the address a ${kind} channel sends to`);
    });

    it('implements exactly the methods its capabilities claim', async () => {
      const c = channel();
      const expected: Record<string, boolean> = { status: c.capabilities.deliveryStatus, webhook: c.capabilities.webhooks };
      for (const [method, claimed] of Object.entries(expected)) {
        const present = typeof (c as unknown as Record<string, unknown>)[method] === 'function';
        assert.equal(present, claimed, claimed ? `the channel claims what ${method}() does but has no ${method}()` : `the channel has ${method}() but does not claim its capability: claim it or remove the method`);
      }
      assert.equal(typeof c.send, 'function', 'the channel must have send()');
    });

    it('check, when the channel has it, answers ok for a service that is up', async function (this: { test?: { title: string }; skip?: () => void } | undefined) {
      const c = channel();
      if (typeof c.check !== 'function') {
        if (this?.test) this.test.title += ' (no check)';
        this?.skip?.();
        return;
      }
      const answer = await c.check();
      assert.deepEqual(answer, { ok: true }, `check() must answer { ok: true } while the service is up; it answered ${JSON.stringify(answer)}`);
    } as () => Promise<void>);

    it('sends a message that arrives once, to its recipient, with its subject, text, HTML and headers intact', async () => {
      const kind = channel().kind;
      const message = messageTo(under().recipient);
      const result = await sendAccepted(message);
      const got = await arrived(message.marker);
      const address = addressOf(kind, under().recipient)!;
      assert.equal(got.to.toLowerCase(), address.toLowerCase(), `the message must arrive at ${address}; it arrived at ${got.to}`);
      assert.equal(normalised(got.text), normalised(message.text), 'the text must arrive as sent');
      if (kind !== 'sms') assert.equal(got.subject, message.subject, 'the subject (title) must arrive as sent');
      if (kind === 'email') {
        assert.equal(normalised(got.html), normalised(message.html), 'the HTML part must arrive as sent');
        const headers = Object.fromEntries(Object.entries(got.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          assert.equal(headers[name.toLowerCase()], value, `the ${name} header must arrive as sent`);
        }
      }
      assert.ok(result.providerMessageId === null || isNonEmptyString(result.providerMessageId), 'providerMessageId must be null or the service’s id');
    });

    it('gives two messages two provider message ids, and each arrives', async () => {
      const first = messageTo(under().recipient);
      const second = messageTo(under().recipient);
      const a = await sendAccepted(first);
      const b = await sendAccepted(second);
      await arrived(first.marker);
      await arrived(second.marker);
      if (a.providerMessageId !== null && b.providerMessageId !== null) {
        assert.notEqual(a.providerMessageId, b.providerMessageId, 'two messages must not share a provider message id (delivery reports would be matched to the wrong one)');
      }
    });

    it('answers failed, not retryable, for a recipient without the address it sends to (and sends nothing)', async () => {
      const kind = channel().kind;
      const message = messageTo(withoutAddress(kind, under().recipient));
      let result: SendResult;
      try {
        result = await channel().send(message);
      } catch (error) {
        assert.fail(`a recipient without an address is an expected outcome: send() must resolve failed, not throw (${String(error)})`);
      }
      checkSendResult(result, 'send');
      assert.equal(result.status, 'failed', 'a message without an address cannot be sent');
      assert.equal((result as { retryable: boolean }).retryable, false, 'retrying a message without an address will never work: it must not be retryable');
      assert.deepEqual(await arrivalsOf(message.marker), [], 'nothing must arrive');
    });

    it('answers failed, not retryable, when the service refuses the recipient for good', async function (this: { test?: { title: string }; skip?: () => void } | undefined) {
      const refused = under().refusedRecipient;
      if (!refused) {
        if (this?.test) this.test.title += ' (not given)';
        this?.skip?.();
        return;
      }
      const message = messageTo(refused);
      const result = await channel().send(message);
      checkSendResult(result, 'send');
      assert.equal(result.status, 'failed', 'a recipient the service refuses must not be reported sent');
      assert.equal((result as { retryable: boolean }).retryable, false, 'a permanent refusal must not be retryable (core would retry it until dead-lettered)');
      assert.deepEqual(await arrivalsOf(message.marker), [], 'nothing must arrive');
    } as () => Promise<void>);

    const sentWithId = async (): Promise<string> => {
      const result = await sendAccepted(messageTo(under().recipient));
      assert.ok(isNonEmptyString(result.providerMessageId), 'a channel that reports delivery must answer the provider message id its reports name');
      return result.providerMessageId;
    };

    whenClaimed('deliveryStatus', 'status answers a report about a sent message', async () => {
      const providerMessageId = await sentWithId();
      const report = await channel().status!({ providerMessageId });
      checkReport(report, providerMessageId, 'status');
    });

    whenClaimed('webhooks', 'webhook turns an authentic delivery report into a report about its message', async () => {
      const signed = under().signedReport;
      assert.ok(signed, 'the channel claims webhooks: give create() a signedReport(report) hook');
      const providerMessageId = await sentWithId();
      const request = await signed({ providerMessageId, status: 'delivered' });
      const reports = await channel().webhook!({ rawBody: request.rawBody, headers: { ...request.headers } });
      assert.ok(Array.isArray(reports), 'webhook() must answer an array of reports');
      const report = reports.find((candidate) => candidate.providerMessageId === providerMessageId);
      assert.ok(report, `webhook() answered no report for ${providerMessageId}`);
      checkReport(report, providerMessageId, 'webhook');
      assert.equal(report.status, 'delivered', 'the report must carry the status the service said');
    });

    const expectRejected = async (what: string, request: { rawBody: Buffer; headers: Record<string, string> }) => {
      let failure: unknown;
      let answered: DeliveryReport[] | undefined;
      try {
        answered = await channel().webhook!(request);
      } catch (error) {
        failure = error;
      }
      assert.ok(failure !== undefined, `a delivery report with ${what} must be rejected; it was accepted with ${JSON.stringify(answered)}`);
      assert.equal((failure as { code?: unknown }).code, 'NOTIFICATION_WEBHOOK_INVALID', `a delivery report with ${what} must throw an error with code NOTIFICATION_WEBHOOK_INVALID; it threw ${String(failure)}`);
    };

    whenClaimed('webhooks', 'webhook rejects a report whose body was altered, or whose signature was altered or removed', async () => {
      const signed = under().signedReport;
      assert.ok(signed, 'the channel claims webhooks: give create() a signedReport(report) hook');
      const providerMessageId = await sentWithId();
      const request = await signed({ providerMessageId, status: 'delivered' });
      const body = request.rawBody.toString('utf8');
      const tamperedBody = body.includes('delivered') ? body.replace('delivered', 'bounced') : `${body} `;
      await expectRejected('an altered body', { rawBody: Buffer.from(tamperedBody, 'utf8'), headers: { ...request.headers } });
      const unsigned = Object.fromEntries(Object.entries(request.headers).filter(([name]) => /^content-(type|length)$/i.test(name)));
      await expectRejected('no signature', { rawBody: request.rawBody, headers: unsigned });
      for (const name of Object.keys(request.headers).filter((header) => /signature|hmac/i.test(header))) {
        await expectRejected(`an altered ${name} header`, { rawBody: request.rawBody, headers: { ...request.headers, [name]: altered(request.headers[name]!) } });
      }
    });
  });
}
