import { defineErrorCodes } from '../../kernel/errors.ts';

export const CatalogErrors = defineErrorCodes({
  PRODUCT_NOT_FOUND: { status: 404, title: 'No such product' },
  PRODUCT_INVALID: { status: 422, title: 'The product breaks a catalog rule' },
  PRODUCT_SLUG_TAKEN: { status: 409, title: 'Another product has this slug' },
  PRODUCT_SKU_TAKEN: { status: 409, title: 'Another variant has this SKU' },
  PRODUCT_DUPLICATE_VARIANT: { status: 409, title: 'Two variants have the same option values' },
  PRODUCT_OPTION_IN_USE: { status: 409, title: 'An option value is still used by a variant' },
  PRODUCT_LAST_VARIANT: { status: 409, title: 'A product keeps at least one variant' },
  VARIANT_NOT_FOUND: { status: 404, title: 'No such variant' },
  PRODUCT_IMAGE_NOT_FOUND: { status: 404, title: 'No such product image' },
  CURRENCY_NOT_SUPPORTED: { status: 422, title: 'The store does not sell in this currency' },
  PRODUCT_NOT_YOURS: { status: 403, title: 'This product belongs to another vendor' },
  CATALOG_CURSOR_INVALID: { status: 400, title: 'The cursor is not one this list gave out' },
  CATALOG_CSV_HEADER_INVALID: { status: 400, title: 'The CSV header lacks required columns or names unknown ones' },
});
