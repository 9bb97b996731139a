/**
 * SMS length under the GSM 03.38 alphabet: one message holds 160 GSM-7 characters (the extension
 * characters `^{}\[~]|€` count twice); a single character outside it makes the whole message UCS-2,
 * which holds 70. Longer texts are sent as several billed parts, so the merchant is warned.
 */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

export const GSM7_SINGLE_MESSAGE = 160;
export const UCS2_SINGLE_MESSAGE = 70;
/** A longer text is split into parts that each give up room for the header that joins them again. */
const GSM7_PART = 153;
const UCS2_PART = 67;

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  limit: number;
  /** The characters that forced UCS-2 (each once). */
  nonGsmCharacters: string[];
  /** How many billed messages (segments) it is sent as. */
  segments: number;
}

function segmentsOf(units: number, single: number, part: number): number {
  return units <= single ? 1 : Math.ceil(units / part);
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  const nonGsm = new Set<string>();
  for (const character of text) {
    if (GSM7_BASIC.includes(character)) septets += 1;
    else if (GSM7_EXTENSION.includes(character)) septets += 2;
    else nonGsm.add(character);
  }
  if (nonGsm.size === 0) return { encoding: 'GSM-7', units: septets, limit: GSM7_SINGLE_MESSAGE, nonGsmCharacters: [], segments: segmentsOf(septets, GSM7_SINGLE_MESSAGE, GSM7_PART) };
  return { encoding: 'UCS-2', units: text.length, limit: UCS2_SINGLE_MESSAGE, nonGsmCharacters: [...nonGsm], segments: segmentsOf(text.length, UCS2_SINGLE_MESSAGE, UCS2_PART) };
}

/** What a merchant should know about an SMS text: a non-GSM-7 character, or a length over one message. */
export function smsWarnings(text: string): string[] {
  const length = smsLength(text);
  const warnings: string[] = [];
  if (length.encoding === 'UCS-2') {
    const shown = length.nonGsmCharacters.map((c) => JSON.stringify(c)).join(', ');
    const parts = length.segments === 1 ? '1 message' : `${length.segments} messages`;
    warnings.push(`SMS uses characters outside GSM-7 (${shown}): it is sent as UCS-2, at most ${UCS2_SINGLE_MESSAGE} characters per message (this one: ${parts})`);
  }
  if (length.units > length.limit) {
    warnings.push(`SMS is ${length.units} ${length.encoding} characters, over the ${length.limit} of one message: it is sent in ${length.segments} billed parts`);
  }
  return warnings;
}
