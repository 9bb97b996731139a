import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { signatureOf } from '../webhook-signature.ts';
import type { EasyPostAddressInput, EasyPostEvent, EasyPostRate, EasyPostShipment, EasyPostShipmentInput, EasyPostTracker, EasyPostTrackingLocation } from '../wire.ts';

/** One request that reached the stand-in (also those it refused). */
export interface StandInRequest {
  method: string;
  path: string;
  /** The API key of the Basic auth header (its user name), or null without one. */
  apiKey: string | null;
  body: unknown;
}

/** A service the stand-in rates: a base price and a price per ounce, in cents, so every rate is reproducible. */
export interface StandInService {
  carrier: string;
  service: string;
  carrierAccount: string;
  baseCents: number;
  centsPerOunce: number;
  deliveryDays: number;
}

export const STAND_IN_SERVICES: readonly StandInService[] = [
  { carrier: 'USPS', service: 'GroundAdvantage', carrierAccount: 'ca_usps_standin', baseCents: 500, centsPerOunce: 15, deliveryDays: 5 },
  { carrier: 'USPS', service: 'Priority', carrierAccount: 'ca_usps_standin', baseCents: 800, centsPerOunce: 25, deliveryDays: 2 },
  { carrier: 'USPS', service: 'Express', carrierAccount: 'ca_usps_standin', baseCents: 2500, centsPerOunce: 50, deliveryDays: 1 },
  { carrier: 'UPS', service: 'Ground', carrierAccount: 'ca_ups_standin', baseCents: 950, centsPerOunce: 20, deliveryDays: 4 },
];

/** A zip the stand-in answers `ADDRESS.VERIFY.FAILURE` for, as EasyPost does for an address it cannot find. */
export const UNDELIVERABLE_ZIP = '00000';

export interface TrackerUpdate {
  /** The detail's message (default: a sentence about the status). */
  message?: string;
  location?: Partial<EasyPostTrackingLocation>;
  /** When it happened (default: now, or a second after the last detail if that is later). */
  at?: Date;
}

export interface SignedEvent {
  rawBody: Buffer;
  headers: Record<string, string>;
}

export interface WebhookSendOptions {
  /** The carrier id in `/webhooks/:id` (default `easypost`). */
  carrierId?: string;
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** Send this X-Hmac-Signature as is; null sends none. */
  signature?: string | null;
}

/** A local EasyPost API for tests; see `startEasyPostStandIn`. */
export interface EasyPostStandIn {
  /** The API base to give the plugin as `apiBase` (`http://127.0.0.1:<port>/v2`). */
  url: string;
  apiKey: string;
  webhookSecret: string;
  /** Every request received, oldest first. */
  readonly requests: StandInRequest[];
  /** The shipment as EasyPost would answer it now. */
  shipment(id: string): EasyPostShipment;
  /** Every shipment created, oldest first. */
  shipments(): EasyPostShipment[];
  /** How many labels were bought on all shipments. */
  labelsBought(): number;
  /** The tracker of a tracking code. */
  tracker(trackingCode: string): EasyPostTracker;
  /** The carrier scans the parcel: appends a tracking detail with this EasyPost status (`in_transit`, `delivered`, `return_to_sender`…). */
  advance(trackingCode: string, status: string, update?: TrackerUpdate): EasyPostTracker;
  /** A `tracker.updated` Event about the tracker as it is now, signed as EasyPost signs webhooks. */
  trackerEvent(trackingCode: string, options?: Pick<WebhookSendOptions, 'secret'>): SignedEvent;
  /** POSTs `trackerEvent` to the store's `/webhooks/:carrierId`. */
  sendWebhook(store: { url: string }, trackingCode: string, options?: WebhookSendOptions): Promise<{ status: number; body: unknown }>;
  /** The next `n` requests answer `status` (503 by default; 429 with `Retry-After: 0`) without doing anything. */
  failNext(n: number, status?: number): void;
  /** The next `n` requests are cut off before any answer, without doing anything (a network error). */
  dropNext(n: number): void;
  /** The next `n` requests are never answered (the connection stays open until `stop()`): the plugin's timeout has to end them. */
  stallNext(n: number): void;
  /** The next `n` requests (whose path matches `path`, when given) are carried out, then cut off before the answer: the answer is lost on the way back. */
  loseNextAnswers(n: number, path?: RegExp): void;
  stop(): Promise<void>;
}

class EasyPostFailure extends Error {
  readonly status: number;
  readonly body: { error: { code: string; message: string; errors: Array<{ field: string; message: string; suggestion: null }> } };

  constructor(status: number, code: string, message: string, fields: Array<{ field: string; message: string }> = []) {
    super(message);
    this.status = status;
    this.body = { error: { code, message, errors: fields.map((field) => ({ ...field, suggestion: null })) } };
  }
}

const NOT_FOUND = () => new EasyPostFailure(404, 'NOT_FOUND', 'The requested resource could not be found.');
const newId = (prefix: string) => `${prefix}_${randomBytes(16).toString('hex')}`;
const REQUIRED_ADDRESS_FIELDS = ['street1', 'city', 'zip', 'country'] as const;

/** Cents → EasyPost's decimal string (`758` → `"7.58"`). */
const decimal = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * Starts a local HTTP server speaking EasyPost's v2 wire format for the calls the plugin makes:
 * shipments with reproducible rates, buying (once per shipment: a second buy answers
 * `SHIPMENT.POSTAGE.EXISTS`), refunds (rejected once the parcel moved), trackers and signed tracker
 * webhooks. Knobs make it fail, drop connections or lose answers, for retry and idempotency tests.
 */
export async function startEasyPostStandIn(options: { apiKey?: string; webhookSecret?: string } = {}): Promise<EasyPostStandIn> {
  const apiKey = options.apiKey ?? `EZTK${randomBytes(12).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec-standin-${randomBytes(8).toString('hex')}`;
  const requests: StandInRequest[] = [];
  const shipments = new Map<string, EasyPostShipment>();
  const trackers = new Map<string, EasyPostTracker>();
  const sockets = new Set<Socket>();
  let failures: { left: number; status: number } = { left: 0, status: 503 };
  let drops = 0;
  let stalls = 0;
  let lostAnswers: { left: number; path: RegExp | null } = { left: 0, path: null };
  let trackingSerial = 0;
  let origin = '';

  const tracker = (code: string): EasyPostTracker => {
    const found = trackers.get(code);
    if (!found) throw new Error(`the stand-in tracks no parcel ${code}`);
    return found;
  };

  const newTracker = (code: string, shipmentId: string | null, carrier: string | null, status: string): EasyPostTracker => {
    const id = newId('trk');
    const created: EasyPostTracker = {
      id,
      object: 'Tracker',
      tracking_code: code,
      status,
      status_detail: null,
      carrier,
      shipment_id: shipmentId,
      est_delivery_date: null,
      public_url: `${origin}/track/${id}`,
      tracking_details: [],
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
    trackers.set(code, created);
    return created;
  };

  const advance = (code: string, status: string, update: TrackerUpdate = {}): EasyPostTracker => {
    const current = tracker(code);
    const last = current.tracking_details.at(-1);
    const floor = last ? new Date(last.datetime).getTime() + 1000 : 0;
    const at = update.at ?? new Date(Math.max(Date.now(), floor));
    current.tracking_details.push({
      object: 'TrackingDetail',
      datetime: at.toISOString(),
      message: update.message ?? `Parcel ${status.replaceAll('_', ' ')}`,
      description: null,
      status,
      status_detail: null,
      source: current.carrier,
      tracking_location: { city: null, state: null, country: null, zip: null, ...update.location },
    });
    current.status = status;
    current.updated_at = new Date().toISOString();
    return current;
  };

  const checkAddress = (address: EasyPostAddressInput | undefined, field: string) => {
    if (!address || typeof address !== 'object') throw new EasyPostFailure(422, 'PARAMETER.REQUIRED', `Missing required parameter: ${field}`, [{ field, message: 'is required' }]);
    for (const key of REQUIRED_ADDRESS_FIELDS) {
      if (typeof address[key] !== 'string' || address[key].trim() === '') {
        throw new EasyPostFailure(422, 'PARAMETER.REQUIRED', `Missing required parameter: ${field}.${key}`, [{ field: `${field}.${key}`, message: 'is required' }]);
      }
    }
    if (address.zip === UNDELIVERABLE_ZIP) {
      throw new EasyPostFailure(422, 'ADDRESS.VERIFY.FAILURE', 'Address not found', [{ field: `${field}.zip`, message: 'Invalid or missing ZIP code' }]);
    }
  };

  const createShipment = (input: EasyPostShipmentInput | undefined): EasyPostShipment => {
    if (!input || typeof input !== 'object') throw new EasyPostFailure(422, 'PARAMETER.REQUIRED', 'Missing required parameter: shipment', [{ field: 'shipment', message: 'is required' }]);
    checkAddress(input.to_address, 'to_address');
    checkAddress(input.from_address, 'from_address');
    const ounces = input.parcel?.weight;
    if (typeof ounces !== 'number' || !(ounces > 0)) throw new EasyPostFailure(422, 'PARAMETER.INVALID', 'parcel.weight must be a positive number of ounces', [{ field: 'parcel.weight', message: 'must be positive' }]);
    const id = newId('shp');
    const accounts = input.carrier_accounts ? new Set(input.carrier_accounts) : null;
    const rates: EasyPostRate[] = STAND_IN_SERVICES.filter((service) => !accounts || accounts.has(service.carrierAccount)).map((service) => ({
      id: newId('rate'),
      object: 'Rate',
      carrier: service.carrier,
      service: service.service,
      rate: decimal(service.baseCents + Math.ceil(ounces * service.centsPerOunce)),
      currency: 'USD',
      delivery_days: service.deliveryDays,
      est_delivery_days: service.deliveryDays,
      shipment_id: id,
      carrier_account_id: service.carrierAccount,
    }));
    const shipment: EasyPostShipment & { parcel: unknown; to_address: unknown; from_address: unknown; options: unknown } = {
      id,
      object: 'Shipment',
      mode: 'test',
      reference: input.reference ?? null,
      is_return: input.is_return === true,
      status: 'unknown',
      to_address: { id: newId('adr'), ...input.to_address },
      from_address: { id: newId('adr'), ...input.from_address },
      parcel: { id: newId('prcl'), ...input.parcel },
      options: input.options ?? {},
      rates,
      selected_rate: null,
      postage_label: null,
      tracking_code: null,
      tracker: null,
      refund_status: null,
      messages: [],
    };
    shipments.set(id, shipment);
    return shipment;
  };

  const buy = (id: string, body: { rate?: { id?: string } } | undefined): EasyPostShipment => {
    const shipment = shipments.get(id);
    if (!shipment) throw NOT_FOUND();
    if (shipment.postage_label) throw new EasyPostFailure(422, 'SHIPMENT.POSTAGE.EXISTS', 'That shipment already has a postage label.');
    const rate = shipment.rates.find((candidate) => candidate.id === body?.rate?.id);
    if (!rate) throw new EasyPostFailure(422, 'SHIPMENT.RATE.INVALID', 'The rate is not a rate of this shipment.', [{ field: 'rate.id', message: 'is invalid' }]);
    trackingSerial += 1;
    const code = rate.carrier === 'UPS' ? `1ZSTANDIN${String(trackingSerial).padStart(9, '0')}` : `9400100000000000${String(trackingSerial).padStart(6, '0')}`;
    const format = ((shipment as unknown as { options: { label_format?: string } }).options.label_format ?? 'PNG').toUpperCase();
    const extension = format === 'ZPL' ? 'zpl' : format === 'PDF' ? 'pdf' : 'png';
    const fileType = format === 'ZPL' ? 'application/zpl' : format === 'PDF' ? 'application/pdf' : 'image/png';
    shipment.selected_rate = rate;
    shipment.tracking_code = code;
    shipment.postage_label = {
      label_url: `${origin}/labels/${shipment.id}.${extension}`,
      label_file_type: fileType,
      label_pdf_url: format === 'PDF' ? `${origin}/labels/${shipment.id}.pdf` : null,
      label_zpl_url: format === 'ZPL' ? `${origin}/labels/${shipment.id}.zpl` : null,
    };
    const created = newTracker(code, shipment.id, rate.carrier, 'pre_transit');
    advance(code, 'pre_transit', { message: 'Shipping label created' });
    shipment.tracker = created;
    shipment.status = 'pre_transit';
    return shipment;
  };

  const refund = (id: string): EasyPostShipment => {
    const shipment = shipments.get(id);
    if (!shipment) throw NOT_FOUND();
    if (!shipment.postage_label) throw new EasyPostFailure(422, 'SHIPMENT.REFUND.FAILURE', 'The shipment has no postage label to refund.');
    if (shipment.refund_status === null) {
      // a parcel the carrier scanned has used its label
      shipment.refund_status = shipment.tracker && shipment.tracker.status !== 'pre_transit' ? 'rejected' : 'submitted';
    }
    return shipment;
  };

  const track = (input: { tracking_code?: string; carrier?: string } | undefined): EasyPostTracker => {
    const code = input?.tracking_code;
    if (typeof code !== 'string' || code.trim() === '') throw new EasyPostFailure(422, 'PARAMETER.REQUIRED', 'Missing required parameter: tracker.tracking_code', [{ field: 'tracker.tracking_code', message: 'is required' }]);
    // EasyPost answers the existing tracker of a code it already tracks
    return trackers.get(code) ?? newTracker(code, null, input?.carrier ?? null, 'unknown');
  };

  const route = (method: string, path: string, body: unknown): unknown => {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v2') throw NOT_FOUND();
    const [, resource, id, action] = parts;
    const payload = (body ?? {}) as Record<string, unknown>;
    if (resource === 'shipments') {
      if (method === 'POST' && !id) return createShipment(payload.shipment as EasyPostShipmentInput | undefined);
      if (method === 'GET' && id && !action) return shipments.get(id) ?? (() => { throw NOT_FOUND(); })();
      if (method === 'POST' && id && action === 'buy') return buy(id, payload as { rate?: { id?: string } });
      if (method === 'POST' && id && action === 'refund') return refund(id);
    }
    if (resource === 'trackers') {
      if (method === 'POST' && !id) return track(payload.tracker as { tracking_code?: string } | undefined);
      if (method === 'GET' && id) return [...trackers.values()].find((candidate) => candidate.id === id) ?? (() => { throw NOT_FOUND(); })();
    }
    throw NOT_FOUND();
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const given = apiKeyOf(req.headers.authorization);
    requests.push({ method: req.method ?? 'GET', path, apiKey: given, body });
    if (stalls > 0) {
      stalls -= 1;
      return;
    }
    if (drops > 0) {
      drops -= 1;
      req.socket.destroy();
      return;
    }
    if (failures.left > 0) {
      failures.left -= 1;
      const status = failures.status;
      send(res, status, { error: { code: status === 429 ? 'RATE_LIMITED' : 'INTERNAL_SERVER_ERROR', message: status === 429 ? 'Too many requests' : 'Something went wrong', errors: [] } }, status === 429 ? { 'retry-after': '0' } : {});
      return;
    }
    if (given === null) return send(res, 401, { error: { code: 'APIKEY.REQUIRED', message: 'API key required', errors: [] } });
    if (given !== apiKey) return send(res, 401, { error: { code: 'APIKEY.INACTIVE', message: 'This api key is no longer active', errors: [] } });
    if (typeof body === 'string') return send(res, 400, { error: { code: 'BAD_REQUEST', message: 'The body is not JSON', errors: [] } });
    let answer: { status: number; body: unknown };
    try {
      const result = route(req.method ?? 'GET', path, body);
      answer = { status: req.method === 'POST' && /^\/v2\/(shipments|trackers)$/.test(path) ? 201 : 200, body: result };
    } catch (error) {
      if (!(error instanceof EasyPostFailure)) throw error;
      answer = { status: error.status, body: error.body };
    }
    if (lostAnswers.left > 0 && (!lostAnswers.path || lostAnswers.path.test(path))) {
      lostAnswers.left -= 1;
      req.socket.destroy();
      return;
    }
    send(res, answer.status, answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: String(error), errors: [] } }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const trackerEvent = (code: string, signing: Pick<WebhookSendOptions, 'secret'> = {}): SignedEvent => {
    const event: EasyPostEvent = {
      id: newId('evt'),
      object: 'Event',
      description: 'tracker.updated',
      mode: 'test',
      result: tracker(code),
      created_at: new Date().toISOString(),
    };
    const rawBody = Buffer.from(JSON.stringify(event), 'utf8');
    return { rawBody, headers: { 'content-type': 'application/json', 'x-hmac-signature': signatureOf(rawBody, signing.secret ?? webhookSecret) } };
  };

  const stand: EasyPostStandIn = {
    url: `${origin}/v2`,
    apiKey,
    webhookSecret,
    requests,
    shipment(id) {
      const found = shipments.get(id);
      if (!found) throw new Error(`the stand-in has no shipment ${id}`);
      return found;
    },
    shipments: () => [...shipments.values()],
    labelsBought: () => [...shipments.values()].filter((shipment) => shipment.postage_label).length,
    tracker,
    advance,
    trackerEvent,
    async sendWebhook(store, code, sendOptions = {}) {
      const signed = trackerEvent(code, sendOptions);
      const headers = { ...signed.headers };
      if (sendOptions.signature === null) delete (headers as Record<string, string | undefined>)['x-hmac-signature'];
      else if (sendOptions.signature !== undefined) headers['x-hmac-signature'] = sendOptions.signature;
      const response = await fetch(`${store.url.replace(/\/+$/, '')}/webhooks/${sendOptions.carrierId ?? 'easypost'}`, { method: 'POST', headers, body: signed.rawBody });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // answered something other than JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
    failNext(n, status = 503) {
      failures = { left: n, status };
    },
    dropNext(n) {
      drops = n;
    },
    stallNext(n) {
      stalls = n;
    },
    loseNextAnswers(n, path) {
      lostAnswers = { left: n, path: path ?? null };
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return stand;
}

function apiKeyOf(header: string | undefined): string | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const user = decoded.split(':')[0];
  return user ? user : null;
}
