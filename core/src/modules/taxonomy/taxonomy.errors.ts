import { defineErrorCodes } from '../../kernel/errors.ts';

export const TaxonomyErrors = defineErrorCodes({
  CATEGORY_NOT_FOUND: { status: 404, title: 'No category has this id or slug' },
  CATEGORY_PARENT_NOT_FOUND: { status: 422, title: 'The parent category does not exist' },
  CATEGORY_SLUG_TAKEN: { status: 409, title: 'Another category already has this slug' },
  CATEGORY_CYCLE: { status: 422, title: 'A category cannot move under itself or one of its descendants' },
  CATEGORY_TOO_DEEP: { status: 422, title: 'The category tree would be deeper than allowed' },
  CATEGORY_HAS_CHILDREN: { status: 409, title: 'The category still has subcategories' },
  BRAND_NOT_FOUND: { status: 404, title: 'No brand has this id or slug' },
  BRAND_SLUG_TAKEN: { status: 409, title: 'Another brand already has this slug' },
  BRAND_LOGO_NOT_FOUND: { status: 422, title: 'The logo media does not exist' },
  TAG_NOT_FOUND: { status: 404, title: 'No tag has this id or slug' },
  TAG_SLUG_TAKEN: { status: 409, title: 'Another tag already has this slug' },
  COLLECTION_NOT_FOUND: { status: 404, title: 'No collection has this id or slug' },
  COLLECTION_SLUG_TAKEN: { status: 409, title: 'Another collection already has this slug' },
  COLLECTION_PRODUCT_NOT_FOUND: { status: 422, title: 'Some products do not exist or are deleted' },
  ATTRIBUTE_NOT_FOUND: { status: 404, title: 'No attribute has this id' },
  ATTRIBUTE_CODE_TAKEN: { status: 409, title: 'Another attribute already has this code' },
  ATTRIBUTE_INVALID: { status: 400, title: 'The attribute definition is not valid' },
  ATTRIBUTE_TYPE_LOCKED: { status: 409, title: 'The type of an attribute cannot change while products have values for it' },
  ATTRIBUTE_ENUM_VALUE_IN_USE: { status: 409, title: 'An enum value that products still use cannot be removed' },
});
