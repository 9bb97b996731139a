import type { EntityManager } from '@mikro-orm/sql';
import type { CoreConfig } from '../../../kernel/config/config.schema.ts';
import { formatDecimal, isCurrencyCode } from '../../money/index.ts';
import type { ChannelKind } from '../channels/notification-channel.ts';
import { NotificationRuleErrors } from '../notifications-rules.errors.ts';
import type { NotificationTemplates, RenderedMessage, RenderRequest } from '../pipeline.ts';
import { defaultTemplate, type TemplateContent } from './default-templates.ts';
import { emailLayout } from './email-layout.ts';
import { smsWarnings } from './sms-length.ts';
import { storedTemplatesFor } from './template-store.ts';
import { parseTemplate, renderNodes, type OutputMode } from './template-syntax.ts';

const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** `DE-at` → `de-AT`: templates are stored and found under one spelling of a locale. */
export function canonicalLocale(tag: string): string {
  return tag
    .split('-')
    .map((part, i) => (i === 0 ? part.toLowerCase() : part.length === 2 ? part.toUpperCase() : part))
    .join('-');
}

/** The locales tried for a recipient, most specific first: `de-AT` → `de` → the store's default → `en`. */
export function localeChain(locale: string | null, defaultLocale: string): string[] {
  const chain: string[] = [];
  for (const candidate of [locale, defaultLocale, 'en']) {
    if (!candidate || !LOCALE.test(candidate)) continue;
    const parts = canonicalLocale(candidate).split('-');
    for (let n = parts.length; n >= 1; n--) {
      const tag = parts.slice(0, n).join('-');
      if (!chain.includes(tag)) chain.push(tag);
    }
  }
  return chain;
}

export interface ResolvedTemplate {
  content: TemplateContent;
  locale: string;
  /** `store`: the admin's version; `default`: shipped with core. */
  source: 'store' | 'default';
}

function isMoney(value: unknown): value is { amount: number; currencyCode: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { amount, currencyCode } = value as Record<string, unknown>;
  return Number.isSafeInteger(amount) && typeof currencyCode === 'string' && isCurrencyCode(currencyCode);
}

/** Money from minor units in the recipient's locale (`€45.98`, `45,98 €`); plain values as text. */
export function formatValue(value: unknown, locale: string): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value instanceof Date) return value.toISOString();
  if (isMoney(value)) {
    const decimal = formatDecimal(value.amount, value.currencyCode);
    const digits = decimal.includes('.') ? decimal.split('.')[1]!.length : 0;
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currencyCode, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
        Number(decimal),
      );
    } catch {
      return `${decimal} ${value.currencyCode}`;
    }
  }
  return undefined;
}

const UNSUBSCRIBE_LABELS: Readonly<Record<string, string>> = { en: 'Unsubscribe', de: 'Abmelden', fr: 'Se désabonner', es: 'Darse de baja', it: 'Annulla iscrizione', nl: 'Afmelden' };

/** The footer link's words in the recipient's language, English where core has no translation. */
function unsubscribeLabel(locale: string): string {
  return UNSUBSCRIBE_LABELS[locale.split('-')[0]!.toLowerCase()] ?? UNSUBSCRIBE_LABELS.en!;
}

/** Renders templates: the store's version in the nearest locale, else the shipped default; values escaped for their output. */
export class TemplateRenderer implements NotificationTemplates {
  readonly #config: CoreConfig;

  constructor({ config }: { config: CoreConfig }) {
    this.#config = config;
  }

  async resolve(em: EntityManager, template: string, channel: ChannelKind, locale: string | null): Promise<ResolvedTemplate | undefined> {
    const chain = localeChain(locale, this.#config.notifications.defaultLocale);
    const stored = await storedTemplatesFor(em, template, channel, chain);
    for (const candidate of chain) {
      const own = stored.find((row) => row.locale === candidate);
      if (own) return { content: own, locale: candidate, source: 'store' };
      const shipped = defaultTemplate(template, channel, candidate);
      if (shipped) return { content: shipped, locale: candidate, source: 'default' };
    }
    return undefined;
  }

  async render(em: EntityManager, request: RenderRequest): Promise<RenderedMessage> {
    const resolved = await this.resolve(em, request.template, request.channel, request.locale);
    if (!resolved) {
      throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_MISSING(`No ${request.channel} template "${request.template}" in ${request.locale ?? 'the default locale'} or a fallback`);
    }
    return this.renderContent(resolved.content, request.channel, request.locale ?? resolved.locale, request.data, request.unsubscribeUrl);
  }

  /** Renders content already found (or a draft being previewed). */
  renderContent(content: TemplateContent, channel: ChannelKind, locale: string, data: Record<string, unknown>, unsubscribeUrl?: string): RenderedMessage {
    const missing = new Set<string>();
    const fill = (source: string, mode: OutputMode) =>
      renderNodes(parseTemplate(source), data, { mode, format: (value) => formatValue(value, LOCALE.test(locale) ? locale : 'en') }, missing);
    // the template's own line breaks go too: a subject is one header line
    const subject = content.subject ? fill(content.subject, 'line').replace(/[\r\n]+/g, ' ').trim() : undefined;
    const footer = channel === 'email' && unsubscribeUrl ? `\n\n--\n${unsubscribeLabel(locale)}: ${unsubscribeUrl}` : '';
    const text = fill(content.text, 'text') + footer;
    let html: string | undefined;
    if (channel === 'email' && content.html) {
      const store = (typeof data.store === 'object' && data.store !== null ? data.store : {}) as Record<string, unknown>;
      html = emailLayout({
        title: subject ?? '',
        bodyHtml: fill(content.html, 'html'),
        storeName: typeof store.name === 'string' ? store.name : this.#config.store.name,
        storeUrl: typeof store.url === 'string' ? store.url : this.#config.auth.storefrontUrl,
        ...(unsubscribeUrl ? { unsubscribe: { url: unsubscribeUrl, label: unsubscribeLabel(locale) } } : {}),
      });
    }
    const warnings = [...missing].map((path) => `Variable "${path}" has no value in this message`);
    if (channel === 'sms') warnings.push(...smsWarnings(text));
    const link = typeof data.link === 'string' ? data.link : undefined;
    return { ...(subject !== undefined ? { subject } : {}), text, ...(html !== undefined ? { html } : {}), ...(link ? { link } : {}), warnings };
  }
}
