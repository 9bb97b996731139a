import { expect } from 'chai';
import fc from 'fast-check';
import {
  centimetresToInches,
  decimalToMinor,
  EasyPostAmountError,
  gramsToOunces,
  reportOf,
  signatureOf,
  TRACKING_STATUS_OF,
  trackingStatusOf,
  verifySignature,
  type EasyPostTracker,
} from '@cartwright/plugin-easypost';

describe('easypost: units', () => {
  it('converts grams to ounces rounded up to a tenth', () => {
    expect(gramsToOunces(500)).to.equal(17.7); // 17.637 oz
    expect(gramsToOunces(1000)).to.equal(35.3); // 35.274 oz
    expect(gramsToOunces(28.349523125)).to.equal(1); // exactly one ounce stays one
    expect(gramsToOunces(2834.9523125)).to.equal(100);
    expect(gramsToOunces(1)).to.equal(0.1);
    expect(gramsToOunces(0)).to.equal(0.1);
  });

  it('never declares a parcel lighter than it is, nor more than a tenth of an ounce heavier', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000_000 }), (grams) => {
        const ounces = gramsToOunces(grams);
        const exact = grams / 28.349523125;
        expect(ounces).to.be.at.least(exact - 1e-9);
        expect(ounces - exact).to.be.below(0.1 + 1e-9);
        expect(Math.round(ounces * 10)).to.equal(ounces * 10);
      }),
    );
  });

  it('converts centimetres to inches rounded up to a tenth', () => {
    expect(centimetresToInches(2.54)).to.equal(1);
    expect(centimetresToInches(30)).to.equal(11.9); // 11.811 in
    expect(centimetresToInches(10)).to.equal(4); // 3.937 in
    expect(centimetresToInches(12.7)).to.equal(5);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (millimetres) => {
        const inches = centimetresToInches(millimetres / 10);
        const exact = millimetres / 25.4;
        expect(inches).to.be.at.least(exact - 1e-9);
        expect(inches - exact).to.be.below(0.1 + 1e-9);
      }),
    );
  });

  it('refuses negative or non-finite measures', () => {
    expect(() => gramsToOunces(-1)).to.throw(RangeError, /weightGrams/);
    expect(() => centimetresToInches(Number.NaN)).to.throw(RangeError);
  });

  it('turns decimal money strings into minor units by the currency’s exponent, without floats', () => {
    expect(decimalToMinor('7.58', 'USD')).to.equal(758);
    expect(decimalToMinor('12', 'USD')).to.equal(1200);
    expect(decimalToMinor('0.1', 'USD')).to.equal(10);
    expect(decimalToMinor('1234', 'JPY')).to.equal(1234);
    expect(decimalToMinor('1.234', 'KWD')).to.equal(1234);
    expect(decimalToMinor('0.29', 'USD')).to.equal(29); // 0.29 * 100 is 28.999… in floats
    expect(decimalToMinor('1.005', 'USD')).to.equal(101); // half up
    expect(decimalToMinor('1.0049', 'USD')).to.equal(100);
    for (const bad of ['', '-1.00', '1,00', 'abc', '1.2.3']) expect(() => decimalToMinor(bad, 'USD'), bad).to.throw(EasyPostAmountError);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (cents) => {
        expect(decimalToMinor(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, 'USD')).to.equal(cents);
      }),
    );
  });
});

describe('easypost: tracker statuses', () => {
  it('maps every EasyPost tracker status, and anything new to unknown', () => {
    expect(TRACKING_STATUS_OF).to.deep.equal({
      pre_transit: 'pre_transit',
      in_transit: 'in_transit',
      out_for_delivery: 'out_for_delivery',
      available_for_pickup: 'out_for_delivery',
      delivered: 'delivered',
      return_to_sender: 'returned',
      failure: 'failure',
      cancelled: 'failure',
      error: 'unknown',
      unknown: 'unknown',
    });
    expect(trackingStatusOf('teleported')).to.equal('unknown');
    expect(trackingStatusOf(null)).to.equal('unknown');
  });

  const tracker = (details: Array<{ datetime: string; status: string; message: string }>): EasyPostTracker => ({
    id: 'trk_1',
    object: 'Tracker',
    tracking_code: '9400100000000000000001',
    status: details.at(-1)?.status ?? 'unknown',
    shipment_id: 'shp_1',
    est_delivery_date: '2026-12-03T18:00:00Z',
    public_url: 'https://track.easypost.com/x',
    tracking_details: details.map((detail) => ({ ...detail, tracking_location: { city: 'Reno', state: 'NV', country: 'US', zip: null } })),
  });

  it('reports events oldest first with ids that stay the same when more events arrive', () => {
    const first = reportOf(tracker([
      { datetime: '2026-12-01T10:00:00Z', status: 'in_transit', message: 'Departed' },
      { datetime: '2026-12-01T08:00:00Z', status: 'pre_transit', message: 'Label created' },
    ]));
    expect(first.events.map((event) => event.description)).to.deep.equal(['Label created', 'Departed']);
    expect(first.events[1]).to.deep.include({ status: 'in_transit', location: 'Reno, NV, US' });
    expect(first).to.deep.include({ trackingNumber: '9400100000000000000001', shipmentId: 'shp_1', status: 'pre_transit' });
    expect(first.estimatedDeliveryAt?.toISOString()).to.equal('2026-12-03T18:00:00.000Z');
    const later = reportOf(tracker([
      { datetime: '2026-12-01T08:00:00Z', status: 'pre_transit', message: 'Label created' },
      { datetime: '2026-12-01T10:00:00Z', status: 'in_transit', message: 'Departed' },
      { datetime: '2026-12-02T09:00:00Z', status: 'delivered', message: 'Delivered' },
    ]));
    expect(later.events.slice(0, 2).map((event) => event.id)).to.deep.equal(first.events.map((event) => event.id));
    expect(later.status).to.equal('delivered');
  });

  it('gives two identical details two ids', () => {
    const detail = { datetime: '2026-12-01T10:00:00Z', status: 'in_transit', message: 'Arrived at facility' };
    const ids = reportOf(tracker([detail, detail])).events.map((event) => event.id);
    expect(new Set(ids).size).to.equal(2);
  });
});

describe('easypost: webhook signatures', () => {
  const body = Buffer.from('{"object":"Event","description":"tracker.updated","result":{"weight":10.0}}', 'utf8');

  it('is the hex HMAC-SHA256 of the raw body, prefixed hmac-sha256-hex=', () => {
    // computed independently: printf '%s' "$body" | openssl dgst -sha256 -hmac 'sekret'
    expect(signatureOf(body, 'sekret')).to.equal('hmac-sha256-hex=010a7e653cb4f04d5aba73ab340a8fa332c80dcc59eb3a5bba2b3f03994f5b3f');
    expect(verifySignature(body, signatureOf(body, 'sekret'), 'sekret')).to.equal(true);
    expect(verifySignature(body, signatureOf(body, 'other'), 'sekret')).to.equal(false);
    expect(verifySignature(Buffer.from(body.toString().replace('10.0', '10')), signatureOf(body, 'sekret'), 'sekret')).to.equal(false);
    expect(verifySignature(body, 'hmac-sha256-hex=', 'sekret')).to.equal(false);
  });

  it('keys the HMAC with the secret normalised to NFKD, as EasyPost’s client libraries do', () => {
    const composed = 'caf\u00e9-\ufb01'; // é precomposed and the "fi" ligature
    const decomposed = 'cafe\u0301-fi';
    expect(signatureOf(body, composed)).to.equal(signatureOf(body, decomposed));
  });
});
