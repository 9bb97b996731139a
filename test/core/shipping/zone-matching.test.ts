import { expect } from 'chai';
import { formatPostalPattern, parsePostalPattern, zoneOf, type ZoneArea } from '../../../core/src/modules/shipping/zone-matching.ts';

const area = (zoneId: string, countryCode: string, region: string | null = null, postalCodePattern: string | null = null): ZoneArea => ({
  zoneId,
  countryCode,
  region,
  postalCodePattern,
});

describe('shipping zone matching', () => {
  describe('postal-code patterns', () => {
    it('reads one code, a prefix and a numeric range, ignoring spaces, case and dashes outside a range', () => {
      expect(parsePostalPattern('94103')).to.deep.equal({ kind: 'exact', code: '94103' });
      expect(parsePostalPattern(' sw1a 1aa ')).to.deep.equal({ kind: 'exact', code: 'SW1A1AA' });
      expect(parsePostalPattern('100-0001')).to.deep.equal({ kind: 'exact', code: '1000001' });
      expect(parsePostalPattern('sw1*')).to.deep.equal({ kind: 'prefix', prefix: 'SW1' });
      expect(parsePostalPattern('10000-19999')).to.deep.equal({ kind: 'range', from: '10000', to: '19999' });
      expect(formatPostalPattern(parsePostalPattern('10000 - 19999')!)).to.equal('10000-19999');
    });

    it('refuses a range that runs backwards, wildcards inside a code, and empty prefixes', () => {
      expect(parsePostalPattern('19999-10000')).to.equal(null);
      expect(parsePostalPattern('S*1')).to.equal(null);
      expect(parsePostalPattern('*')).to.equal(null);
      expect(parsePostalPattern('94103!')).to.equal(null);
    });
  });

  describe('precedence', () => {
    const areas = [
      area('shz_1_country', 'US'),
      area('shz_2_region', 'US', 'CA'),
      area('shz_3_range', 'US', null, '94000-94999'),
      area('shz_4_prefix', 'US', null, '941*'),
      area('shz_5_exact', 'US', null, '94103'),
      area('shz_6_uk', 'GB', null, 'SW1*'),
    ];

    it('puts an address in the zone of its most specific area: exact code, prefix, range, region, country, rest of world', () => {
      expect(zoneOf(areas, { countryCode: 'US', region: 'CA', postalCode: '94103' }, 'shz_rest')).to.equal('shz_5_exact');
      expect(zoneOf(areas, { countryCode: 'US', region: 'CA', postalCode: '94105' }, 'shz_rest')).to.equal('shz_4_prefix');
      expect(zoneOf(areas, { countryCode: 'US', region: 'CA', postalCode: '94520' }, 'shz_rest')).to.equal('shz_3_range');
      expect(zoneOf(areas, { countryCode: 'US', region: 'ca', postalCode: '90210' }, 'shz_rest')).to.equal('shz_2_region');
      expect(zoneOf(areas, { countryCode: 'US', region: 'NY', postalCode: '10001' }, 'shz_rest')).to.equal('shz_1_country');
      expect(zoneOf(areas, { countryCode: 'FR', region: null, postalCode: '75001' }, 'shz_rest')).to.equal('shz_rest');
      expect(zoneOf(areas, { countryCode: 'FR', region: null, postalCode: '75001' }, null)).to.equal(null);
    });

    it('compares postal codes without spaces or case, and a range only with codes of its length', () => {
      expect(zoneOf(areas, { countryCode: 'GB', postalCode: 'sw1a 1aa' }, null)).to.equal('shz_6_uk');
      expect(zoneOf(areas, { countryCode: 'GB', postalCode: 'SE1 7PB' }, null)).to.equal(null);
      expect(zoneOf([area('shz_r', 'US', null, '94000-94999')], { countryCode: 'US', postalCode: '94103-1234' }, null)).to.equal(null);
    });

    it('prefers the longer prefix and the narrower range', () => {
      const nested = [area('shz_a', 'DE', null, '1*'), area('shz_b', 'DE', null, '10*'), area('shz_c', 'DE', null, '10000-19999'), area('shz_d', 'DE', null, '10000-10999')];
      expect(zoneOf(nested, { countryCode: 'DE', postalCode: '10115' }, null)).to.equal('shz_b');
      const ranges = [area('shz_wide', 'DE', null, '10000-19999'), area('shz_narrow', 'DE', null, '10000-10999')];
      expect(zoneOf(ranges, { countryCode: 'DE', postalCode: '10115' }, null)).to.equal('shz_narrow');
    });

    it('lets a postal pattern with the region beat the same pattern without it', () => {
      const both = [area('shz_plain', 'US', null, '9*'), area('shz_ca', 'US', 'CA', '9*')];
      expect(zoneOf(both, { countryCode: 'US', region: 'CA', postalCode: '94103' }, null)).to.equal('shz_ca');
      expect(zoneOf(both, { countryCode: 'US', region: 'OR', postalCode: '97201' }, null)).to.equal('shz_plain');
    });

    it('breaks a tie between equally specific areas in favour of the zone created first, whatever the row order', () => {
      const older = 'shz_01aaaaaaaa';
      const newer = 'shz_01bbbbbbbb';
      const tie = [area(newer, 'DE', null, '10000-10999'), area(older, 'DE', null, '10500-11499')];
      expect(zoneOf(tie, { countryCode: 'DE', postalCode: '10600' }, null)).to.equal(older);
      expect(zoneOf([...tie].reverse(), { countryCode: 'DE', postalCode: '10600' }, null)).to.equal(older);
    });
  });
});
