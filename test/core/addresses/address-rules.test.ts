import { expect } from 'chai';
import {
  checkAddress,
  COUNTRY_CODES,
  GENERIC_POSTAL_CODE,
  IN_STATES,
  isCountryCode,
  POSTAL_CODE_RULES,
  requireValidAddress,
  US_STATE_CODES,
  type PostalAddress,
} from '../../../core/src/modules/addresses/address-rules.ts';
import { AppError } from '@cartwright/core';

const address = (overrides: Partial<PostalAddress>): PostalAddress => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  line1: '1 Main Street',
  city: 'Somewhere',
  postalCode: '12345',
  countryCode: 'DE',
  ...overrides,
});

describe('address rules', () => {
  describe('country codes', () => {
    it('lists all 249 ISO 3166-1 alpha-2 codes, sorted, each once', () => {
      expect(COUNTRY_CODES).to.have.length(249);
      expect(new Set(COUNTRY_CODES).size).to.equal(249);
      expect([...COUNTRY_CODES].sort()).to.deep.equal(COUNTRY_CODES);
      for (const code of COUNTRY_CODES) expect(code).to.match(/^[A-Z]{2}$/);
    });

    it('lists only codes that name a region (checked against ICU region names)', () => {
      const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
      for (const code of COUNTRY_CODES) expect(names.of(code), code).not.to.equal(code);
    });

    it('excludes codes that are user-assigned, reserved or not countries', () => {
      for (const code of ['XK', 'EU', 'UK', 'ZZ', 'AN', 'XX', 'QO', 'UN', 'EZ', 'in']) expect(isCountryCode(code), code).to.equal(false);
      for (const code of ['IN', 'US', 'GB', 'DE', 'AX', 'SS', 'BQ', 'CW', 'SX', 'VU']) expect(isCountryCode(code), code).to.equal(true);
    });
  });

  describe('postal codes', () => {
    // [country, input, accepted as (normalised), or null when refused]
    const cases: Array<[string, string, string | null]> = [
      ['IN', '560001', '560001'],
      ['IN', '110001', '110001'],
      ['IN', '110 001', '110001'],
      ['IN', '999999', '999999'],
      ['IN', '056001', null],
      ['IN', '56001', null],
      ['IN', '5600011', null],
      ['IN', '56000A', null],
      ['IN', '560-001', null],
      ['US', '94103', '94103'],
      ['US', '00501', '00501'],
      ['US', '94103-1234', '94103-1234'],
      ['US', '941031234', '94103-1234'],
      ['US', '94103 1234', '94103-1234'],
      ['US', '9410', null],
      ['US', '941031', null],
      ['US', '94103-123', null],
      ['US', 'ABCDE', null],
      ['GB', 'SW1A 1AA', 'SW1A 1AA'],
      ['GB', 'sw1a1aa', 'SW1A 1AA'],
      ['GB', 'ec1a   1bb', 'EC1A 1BB'],
      ['GB', 'M1 1AE', 'M1 1AE'],
      ['GB', 'b33 8th', 'B33 8TH'],
      ['GB', 'CR2 6XH', 'CR2 6XH'],
      ['GB', 'DN55 1PT', 'DN55 1PT'],
      ['GB', 'W1A 0AX', 'W1A 0AX'],
      ['GB', 'GIR 0AA', 'GIR 0AA'],
      ['GB', 'SW1A 1A', null],
      ['GB', 'SW1A', null],
      ['GB', 'QA1 1AA', null],
      ['GB', 'M1 1CA', null],
      ['GB', '12345', null],
      ['GB', 'SW1A-1AA', null],
      ['DE', '10115', '10115'],
      ['DE', '01067', '01067'],
      ['DE', '1011', null],
      ['DE', '101155', null],
      ['DE', '1011A', null],
      ['FR', '75001', '75001'],
      ['FR', '7500', null],
      ['AU', '2000', '2000'],
      ['AU', '20000', null],
      ['CA', 'K1A 0B1', 'K1A 0B1'],
      ['CA', 'k1a0b1', 'K1A 0B1'],
      ['CA', 'D1A 0B1', null],
      ['CA', 'K1A 0BO', null],
      ['NL', '1012 AB', '1012 AB'],
      ['JP', '100-0001', '100-0001'],
      ['NL', 'A', 'A'],
      ['NL', '1234567890ABCDEF', '1234567890ABCDEF'],
      ['NL', '1234567890ABCDEFG', null],
      ['NL', '1012#AB', null],
      ['NL', '-1012', null],
      ['NL', '', null],
    ];
    for (const [country, input, expected] of cases) {
      it(`${expected === null ? 'refuses' : 'accepts'} ${JSON.stringify(input)} for ${country}${expected && expected !== input ? ` as ${JSON.stringify(expected)}` : ''}`, () => {
        const result = checkAddress(address({ countryCode: country, postalCode: input, region: country === 'US' ? 'CA' : country === 'IN' ? 'KA' : null }));
        if (expected === null) {
          expect(result.ok).to.equal(false);
          if (!result.ok) expect(result.issues).to.deep.equal([{ in: 'body', pointer: '/postalCode', rule: 'postalCode', message: `is not a valid postal code for ${country}` }]);
        } else {
          expect(result.ok, JSON.stringify(result)).to.equal(true);
          if (result.ok) expect(result.address.postalCode).to.equal(expected);
        }
      });
    }

    it('has a format for at least IN, US, GB, DE, CA, FR and AU, and a permissive one for the rest', () => {
      expect(Object.keys(POSTAL_CODE_RULES)).to.include.members(['IN', 'US', 'GB', 'DE', 'CA', 'FR', 'AU']);
      expect(GENERIC_POSTAL_CODE.test('ABC 123-9')).to.equal(true);
    });
  });

  describe('regions', () => {
    it('knows the USPS codes and the states and union territories of India', () => {
      expect(US_STATE_CODES).to.have.length(62);
      expect(new Set(US_STATE_CODES).size).to.equal(62);
      expect(Object.keys(IN_STATES)).to.have.length(36);
    });

    const cases: Array<[string, string | null, string | null | 'required' | 'region']> = [
      ['US', 'CA', 'CA'],
      ['US', ' ny ', 'NY'],
      ['US', 'DC', 'DC'],
      ['US', 'PR', 'PR'],
      ['US', 'AE', 'AE'],
      ['US', null, 'required'],
      ['US', '', 'required'],
      ['US', 'California', 'region'],
      ['US', 'XX', 'region'],
      ['IN', 'Karnataka', 'Karnataka'],
      ['IN', 'KA', 'Karnataka'],
      ['IN', 'tamil  nadu', 'Tamil Nadu'],
      ['IN', 'Andaman & Nicobar Islands', 'Andaman and Nicobar Islands'],
      ['IN', 'Orissa', 'Odisha'],
      ['IN', 'OR', 'Odisha'],
      ['IN', 'UT', 'Uttarakhand'],
      ['IN', 'Daman and Diu', 'Dadra and Nagar Haveli and Daman and Diu'],
      ['IN', 'Pondicherry', 'Puducherry'],
      ['IN', null, 'required'],
      ['IN', 'Bavaria', 'region'],
      ['DE', null, null],
      ['DE', 'Bayern', 'Bayern'],
      ['GB', '  ', null],
    ];
    const postal: Record<string, string> = { US: '94103', IN: '560001', DE: '80331', GB: 'SW1A 1AA' };
    for (const [country, region, expected] of cases) {
      it(`${expected === 'required' || expected === 'region' ? `refuses (${expected})` : 'accepts'} region ${JSON.stringify(region)} for ${country}`, () => {
        const result = checkAddress(address({ countryCode: country, postalCode: postal[country]!, region }));
        if (expected === 'required' || expected === 'region') {
          expect(result.ok).to.equal(false);
          if (!result.ok) expect(result.issues.map((i) => [i.pointer, i.rule])).to.deep.equal([['/region', expected]]);
        } else {
          expect(result.ok, JSON.stringify(result)).to.equal(true);
          if (result.ok) expect(result.address.region).to.equal(expected);
        }
      });
    }
  });

  describe('the whole address', () => {
    it('trims fields, turns blank optional ones into null and upper-cases the country', () => {
      const result = checkAddress(address({ firstName: '  Ada ', company: '   ', line2: ' Flat 2 ', countryCode: 'de', phone: '' }));
      expect(result).to.deep.equal({
        ok: true,
        address: {
          firstName: 'Ada', lastName: 'Lovelace', company: null, line1: '1 Main Street', line2: 'Flat 2', city: 'Somewhere',
          region: null, postalCode: '12345', countryCode: 'DE', phone: null,
        },
      });
    });

    it('reports blank required fields and an unknown country, with no postal check for an unknown country', () => {
      const result = checkAddress(address({ lastName: ' ', city: '', countryCode: 'XX', postalCode: '!!' }));
      expect(result.ok).to.equal(false);
      if (!result.ok) {
        expect(result.issues.map((i) => `${i.pointer} ${i.rule}`)).to.deep.equal(['/lastName minLength', '/city minLength', '/countryCode countryCode']);
      }
    });

    it('addresses issues inside a larger document when given a pointer (a cart\'s shipping address)', () => {
      const result = checkAddress(address({ countryCode: 'US', postalCode: '1', region: 'CA' }), { pointer: '/shippingAddress' });
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.issues[0]).to.include({ in: 'body', pointer: '/shippingAddress/postalCode' });
    });

    it('throws ADDRESS_INVALID (400) with every issue from requireValidAddress', () => {
      let thrown: unknown;
      try {
        requireValidAddress(address({ countryCode: 'US', postalCode: '1', region: null }));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(AppError);
      const error = thrown as AppError;
      expect(error).to.include({ status: 400, code: 'ADDRESS_INVALID', message: 'body/postalCode is not a valid postal code for US (and 1 more)' });
      expect(error.errors!.map((i) => i.pointer)).to.deep.equal(['/postalCode', '/region']);
    });
  });
});
