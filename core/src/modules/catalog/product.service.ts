import { sql } from 'kysely';
import type { EntityManager } from '@mikro-orm/sql';
import type { Cradle } from '../../kernel/container.ts';
import { newId } from '../../kernel/ids.ts';
import { slugify, uniqueSlug } from '../../kernel/slug.ts';
import type { FieldIssue } from '../../kernel/errors.ts';
import { checkAttributeValue, type AttributeDefinition } from '../taxonomy/index.ts';
import { CatalogErrors } from './catalog.errors.ts';
import type { CatalogScope } from './catalog-access.ts';
import { json, rows, run, uniqueViolation } from './catalog-sql.ts';
import { renderDescription } from './markdown.ts';
import { checkOptions, checkPrices, checkVariantSet, resolveVariantOptions, variantTitle, type StoredOption } from './product-rules.ts';
import type { CreateProductBody, ImageInput, OptionInput, PriceInput, ProductStatus, UpdateProductBody, VariantInput, VariantPatch } from './product.schemas.ts';
import { auditedFields, productFieldsForAudit } from './product-audit.ts';

type Deps = Pick<
  Cradle,
  'em' | 'events' | 'auditLog' | 'catalogPricing' | 'brandService' | 'categoryService' | 'tagService' | 'attributeService' | 'mediaService'
>;

interface LockedProduct {
  id: string;
  title: string;
  slug: string;
  status: ProductStatus;
  vendor_id: string | null;
  published_at: string | null;
  deleted_at: string | null;
}

const bodyIssue = (pointer: string, rule: string, message: string): FieldIssue => ({ in: 'body', pointer, rule, message });

/**
 * Products, their options, variants, prices and images: the one place the catalog's write rules
 * live. Every write runs in one transaction that locks the product row, so concurrent edits of one
 * product take turns; the unique indexes on slugs, SKUs and option combinations back the checks.
 */
export class ProductService {
  readonly #deps: Deps;
  /** Set on the instance `inOneTransaction` hands out: its lookups run inside that transaction too. */
  readonly #transactionEm: EntityManager | undefined;

  constructor(deps: Deps, transactionEm?: EntityManager) {
    this.#deps = deps;
    this.#transactionEm = transactionEm;
  }

  /**
   * Runs `work` with a ProductService whose every write joins one transaction: they all commit, or
   * none does (the CSV import writes a product and all its variants this way). The same rules apply
   * as to separate calls; brand, category, tag and attribute lookups run inside the transaction.
   */
  async inOneTransaction<T>(work: (products: ProductService) => Promise<T>): Promise<T> {
    const d = this.#deps;
    return this.#write((em) =>
      work(
        new ProductService(
          {
            em,
            events: d.events,
            auditLog: d.auditLog,
            catalogPricing: d.catalogPricing,
            brandService: d.brandService,
            categoryService: d.categoryService,
            tagService: d.tagService,
            attributeService: d.attributeService,
            mediaService: d.mediaService,
          },
          em,
        ),
      ),
    );
  }

  async create(scope: CatalogScope, input: CreateProductBody): Promise<string> {
    const pricing = this.#deps.catalogPricing;
    const options = input.options ?? [];
    checkOptions(options);
    input.variants.forEach((v, i) => {
      checkPrices(v.prices ?? [], `/variants/${i}/prices`);
      pricing.checkCurrencies(v.prices ?? [], `/variants/${i}/prices`);
    });
    const status = input.status ?? 'draft';
    if (status === 'published') this.#requireDefaultPrices(input.variants.map((v) => v.prices ?? []), '/variants');
    const vendorId = await this.#vendorFor(scope, input.vendorId);
    const attributes = await this.#checkReferences(input);
    return this.#insertProduct(input, options, status, vendorId, attributes);
  }

  async #insertProduct(
    input: CreateProductBody,
    options: readonly OptionInput[],
    status: ProductStatus,
    vendorId: string | null,
    attributes: Map<string, AttributeDefinition>,
  ): Promise<string> {
    return this.#write(async (em) => {
      const id = newId('prod');
      const base = slugify(input.title, 'product');
      // products created at once with one title would pick the same free slug: they take turns per title
      if (!input.slug) await run(em, sql`select pg_advisory_xact_lock(hashtext(${`cw_product_slug:${base}`}))`);
      const slug = input.slug ?? (await uniqueSlug(base, (candidate) => this.#slugTaken(em, candidate, null)));
      if (input.slug && (await this.#slugTaken(em, input.slug, null))) throw this.#slugTakenError(input.slug);
      const now = new Date();
      const markdown = input.descriptionMarkdown ?? '';
      await run(
        em,
        sql`insert into cw_product (id, title, slug, description_markdown, description_html, status, brand_id, vendor_id, featured,
            meta_title, meta_description, tax_class, published_at, created_at, updated_at)
          values (${id}, ${input.title}, ${slug}, ${markdown}, ${renderDescription(markdown)}, ${status}, ${input.brandId ?? null}, ${vendorId},
            ${input.featured ?? false}, ${input.metaTitle ?? null}, ${input.metaDescription ?? null}, ${input.taxClass ?? null},
            ${status === 'published' ? now : null}, ${now}, ${now})`,
      );
      await run(em, sql`insert into cw_product_slug (slug, product_id, created_at) values (${slug}, ${id}, ${now})`);
      await this.#setLinks(em, id, 'category', input.categoryIds ?? []);
      await this.#setLinks(em, id, 'tag', input.tagIds ?? []);
      await this.#writeAttributes(em, id, input.attributes ?? {}, attributes);
      const stored = await this.#insertOptions(em, id, options);
      const resolved = input.variants.map((v, i) => ({ input: v, ...resolveVariantOptions(stored, v.options, `/variants/${i}`) }));
      checkVariantSet(resolved.map((r) => ({ sku: r.input.sku, optionKey: r.optionKey })), stored.length);
      await this.#requireSkusFree(em, resolved.map((r) => r.input.sku), []);
      for (const [position, variant] of resolved.entries()) {
        await this.#insertVariant(em, id, input.title, variant.input, variant, position, now);
      }
      this.#deps.events.emit(em, 'product.created', { productId: id, vendorId, status });
      this.#deps.auditLog.record(em, { action: 'product.created', target: { type: 'product', id }, before: null, after: { title: input.title, slug, status } });
      return id;
    });
  }

  async update(scope: CatalogScope, id: string, patch: UpdateProductBody): Promise<void> {
    if (patch.options) checkOptions(patch.options);
    const attributes = await this.#checkReferences(patch);
    const vendorId = patch.vendorId !== undefined ? await this.#vendorFor(scope, patch.vendorId) : undefined;
    await this.#write(async (em) => {
      const product = await this.#lock(em, scope, id);
      const audited = auditedFields({ ...patch, ...(vendorId !== undefined ? { vendorId } : {}) });
      const before = await productFieldsForAudit(em, id, audited);
      const now = new Date();
      const fields: string[] = [];
      const set = (column: string, value: unknown) => {
        fields.push(column);
        return sql`${sql.ref(column)} = ${value}`;
      };
      const assignments = [];
      if (patch.title !== undefined) assignments.push(set('title', patch.title));
      if (patch.descriptionMarkdown !== undefined) {
        assignments.push(set('description_markdown', patch.descriptionMarkdown));
        assignments.push(sql`description_html = ${renderDescription(patch.descriptionMarkdown)}`);
      }
      if (patch.brandId !== undefined) assignments.push(set('brand_id', patch.brandId));
      if (patch.featured !== undefined) assignments.push(set('featured', patch.featured));
      if (patch.metaTitle !== undefined) assignments.push(set('meta_title', patch.metaTitle));
      if (patch.metaDescription !== undefined) assignments.push(set('meta_description', patch.metaDescription));
      if (vendorId !== undefined) assignments.push(set('vendor_id', vendorId));
      if (patch.taxClass !== undefined) {
        assignments.push(sql`tax_class = ${patch.taxClass}`);
        fields.push('taxClass');
      }
      if (patch.status !== undefined && patch.status !== product.status) {
        if (patch.status === 'published') await this.#requirePublishable(em, id);
        assignments.push(set('status', patch.status));
        if (patch.status === 'published' && !product.published_at) assignments.push(sql`published_at = ${now}`);
      }
      if (patch.slug !== undefined && patch.slug !== product.slug) {
        if (await this.#slugTaken(em, patch.slug, id)) throw this.#slugTakenError(patch.slug);
        assignments.push(set('slug', patch.slug));
        // the old slug stays in cw_product_slug, where it answers with a redirect to the new one
        await run(em, sql`insert into cw_product_slug (slug, product_id, created_at) values (${patch.slug}, ${id}, ${now}) on conflict (slug) do nothing`);
      }
      if (patch.categoryIds) {
        await this.#setLinks(em, id, 'category', patch.categoryIds);
        fields.push('categories');
      }
      if (patch.tagIds) {
        await this.#setLinks(em, id, 'tag', patch.tagIds);
        fields.push('tags');
      }
      if (patch.attributes) {
        await this.#writeAttributes(em, id, patch.attributes, attributes);
        fields.push('attributes');
      }
      if (patch.options) {
        await this.#replaceOptions(em, id, patch.options);
        fields.push('options');
      }
      await run(em, sql`update cw_product set ${sql.join([...assignments, sql`updated_at = ${now}`])} where id = ${id}`);
      this.#deps.events.emit(em, 'product.updated', { productId: id, vendorId: vendorId ?? product.vendor_id, fields });
      this.#deps.auditLog.record(em, { action: 'product.updated', target: { type: 'product', id }, before, after: { ...(await productFieldsForAudit(em, id, audited)), fields } });
    });
  }

  /** Soft delete: the product and its variants leave the store and free nothing; `restore` brings them back. */
  async remove(scope: CatalogScope, id: string): Promise<void> {
    await this.#write(async (em) => {
      const product = await this.#lock(em, scope, id);
      const now = new Date();
      await run(em, sql`update cw_product set deleted_at = ${now}, updated_at = ${now} where id = ${id}`);
      await run(em, sql`update cw_product_variant set deleted_at = ${now} where product_id = ${id} and deleted_at is null`);
      this.#deps.events.emit(em, 'product.deleted', { productId: id, vendorId: product.vendor_id });
      this.#deps.auditLog.record(em, { action: 'product.deleted', target: { type: 'product', id }, before: { title: product.title }, after: null });
    });
  }

  /** Undoes a delete: the variants deleted with the product come back, unless their SKUs were reused meanwhile. */
  async restore(scope: CatalogScope, id: string): Promise<void> {
    await this.#write(async (em) => {
      const product = await this.#lock(em, scope, id, true);
      if (!product.deleted_at) return;
      const variants = await rows<{ id: string; sku: string }>(
        em,
        sql`select id, sku from cw_product_variant where product_id = ${id} and deleted_at = ${product.deleted_at}::timestamptz`,
      );
      await this.#requireSkusFree(em, variants.map((v) => v.sku), []);
      await run(em, sql`update cw_product_variant set deleted_at = null where product_id = ${id} and deleted_at = ${product.deleted_at}::timestamptz`);
      await run(em, sql`update cw_product set deleted_at = null, updated_at = ${new Date()} where id = ${id}`);
      this.#deps.events.emit(em, 'product.updated', { productId: id, vendorId: product.vendor_id, fields: ['deletedAt'] });
      this.#deps.auditLog.record(em, { action: 'product.restored', target: { type: 'product', id }, before: null, after: { title: product.title } });
    });
  }

  async addVariant(scope: CatalogScope, productId: string, input: VariantInput): Promise<string> {
    checkPrices(input.prices ?? [], '/prices');
    this.#deps.catalogPricing.checkCurrencies(input.prices ?? [], '/prices');
    return this.#write(async (em) => {
      const product = await this.#lock(em, scope, productId);
      if (product.status === 'published') this.#requireDefaultPrices([input.prices ?? []], '');
      const options = await this.#options(em, productId);
      const resolved = resolveVariantOptions(options, input.options, '');
      if (options.length === 0) {
        throw CatalogErrors.PRODUCT_DUPLICATE_VARIANT('A product without options has exactly one variant; add options to sell several');
      }
      await this.#requireCombinationFree(em, productId, resolved.optionKey, null);
      await this.#requireSkusFree(em, [input.sku], []);
      const [{ next }] = await rows<{ next: number }>(em, sql`select coalesce(max(position) + 1, 0)::int as next from cw_product_variant where product_id = ${productId}`) as [{ next: number }];
      const id = await this.#insertVariant(em, productId, product.title, input, resolved, next, new Date());
      await this.#touch(em, product, ['variants']);
      return id;
    });
  }

  async updateVariant(scope: CatalogScope, productId: string, variantId: string, patch: VariantPatch): Promise<void> {
    if (patch.prices) {
      checkPrices(patch.prices, '/prices');
      this.#deps.catalogPricing.checkCurrencies(patch.prices, '/prices');
    }
    await this.#write(async (em) => {
      const product = await this.#lock(em, scope, productId);
      await this.#requireVariant(em, productId, variantId);
      const assignments = [];
      if (patch.sku !== undefined) {
        await this.#requireSkusFree(em, [patch.sku], [variantId]);
        assignments.push(sql`sku = ${patch.sku}`);
      }
      if (patch.barcode !== undefined) assignments.push(sql`barcode = ${patch.barcode}`);
      if (patch.weightGrams !== undefined) assignments.push(sql`weight_grams = ${patch.weightGrams}`);
      if (patch.lengthMm !== undefined) assignments.push(sql`length_mm = ${patch.lengthMm}`);
      if (patch.widthMm !== undefined) assignments.push(sql`width_mm = ${patch.widthMm}`);
      if (patch.heightMm !== undefined) assignments.push(sql`height_mm = ${patch.heightMm}`);
      if (patch.options !== undefined) {
        const resolved = resolveVariantOptions(await this.#options(em, productId), patch.options, '');
        await this.#requireCombinationFree(em, productId, resolved.optionKey, variantId);
        assignments.push(sql`option_key = ${resolved.optionKey}`);
        assignments.push(sql`option_values = ${JSON.stringify(resolved.optionValues)}::jsonb`);
        assignments.push(sql`title = ${variantTitle(product.title, resolved.optionValues)}`);
      }
      if (patch.prices) {
        if (product.status === 'published') this.#requireDefaultPrices([patch.prices], '');
        await this.#setPrices(em, variantId, patch.prices);
      }
      await run(em, sql`update cw_product_variant set ${sql.join([...assignments, sql`updated_at = ${new Date()}`])} where id = ${variantId}`);
      await this.#touch(em, product, ['variants']);
    });
  }

  async removeVariant(scope: CatalogScope, productId: string, variantId: string): Promise<void> {
    await this.#write(async (em) => {
      const product = await this.#lock(em, scope, productId);
      await this.#requireVariant(em, productId, variantId);
      const [{ n }] = (await rows<{ n: number }>(em, sql`select count(*)::int as n from cw_product_variant where product_id = ${productId} and deleted_at is null`)) as [{ n: number }];
      if (n <= 1) throw CatalogErrors.PRODUCT_LAST_VARIANT('A product keeps at least one variant; delete the product instead');
      await run(em, sql`update cw_product_variant set deleted_at = ${new Date()} where id = ${variantId}`);
      await run(
        em,
        sql`update cw_product_image set variant_ids = variant_ids - ${variantId}::text where product_id = ${productId} and variant_ids ? ${variantId}::text`,
      );
      await this.#touch(em, product, ['variants']);
    });
  }

  /** Replaces the product's gallery with `images`, in that order. */
  async setImages(scope: CatalogScope, productId: string, images: readonly ImageInput[]): Promise<void> {
    await this.#deps.mediaService.requireExisting([...new Set(images.map((i) => i.mediaId))]);
    await this.#write(async (em) => {
      const product = await this.#lock(em, scope, productId);
      const variantIds = new Set(
        (await rows<{ id: string }>(em, sql`select id from cw_product_variant where product_id = ${productId} and deleted_at is null`)).map((v) => v.id),
      );
      images.forEach((image, index) =>
        (image.variantIds ?? []).forEach((variantId, v) => {
          if (!variantIds.has(variantId)) {
            throw CatalogErrors.PRODUCT_INVALID(`Variant ${variantId} is not a variant of this product`, {
              errors: [bodyIssue(`/images/${index}/variantIds/${v}`, 'variant', 'must be a variant of this product')],
            });
          }
        }),
      );
      await run(em, sql`delete from cw_product_image where product_id = ${productId}`);
      if (images.length) {
        await run(
          em,
          sql`insert into cw_product_image (id, product_id, variant_ids, media_id, position, alt) values ${sql.join(
            images.map((image, position) => sql`(${newId('pimg')}, ${productId}, ${JSON.stringify(image.variantIds ?? [])}::jsonb, ${image.mediaId}, ${position}, ${image.alt ?? ''})`),
          )}`,
        );
      }
      await this.#touch(em, product, ['images']);
    });
  }

  /** Sets the status of many products at once: all of them, or none when one cannot be changed. */
  async bulkStatus(scope: CatalogScope, productIds: readonly string[], status: ProductStatus): Promise<number> {
    return this.#write(async (em) => {
      const found = await rows<LockedProduct>(
        em,
        sql`select id, title, slug, status, vendor_id, published_at, deleted_at from cw_product
          where id = any(${[...productIds]}) and deleted_at is null ${scope.kind === 'vendor' ? sql`and vendor_id = ${scope.vendorId}` : sql``}
          order by id for update`,
      );
      const missing = productIds.filter((id) => !found.some((p) => p.id === id));
      if (missing.length) throw CatalogErrors.PRODUCT_NOT_FOUND(`No such product: ${missing.join(', ')}`, { extensions: { missing } });
      const changing = found.filter((p) => p.status !== status);
      if (status === 'published') for (const product of changing) await this.#requirePublishable(em, product.id);
      const now = new Date();
      const ids = changing.map((p) => p.id);
      if (ids.length) {
        await run(
          em,
          sql`update cw_product set status = ${status}, updated_at = ${now}, published_at = case when ${status} = 'published' then coalesce(published_at, ${now}) else published_at end
            where id = any(${ids})`,
        );
      }
      for (const product of changing) this.#deps.events.emit(em, 'product.updated', { productId: product.id, vendorId: product.vendor_id, fields: ['status'] });
      if (ids.length) this.#deps.auditLog.record(em, { action: 'product.bulk_status_changed', target: { type: 'product', id: null }, before: null, after: { status, productIds: ids } });
      return ids.length;
    });
  }

  /** Sets prices of many variants, addressed by SKU, at once: all of them or none. */
  async bulkPrices(scope: CatalogScope, updates: ReadonlyArray<{ sku: string } & PriceInput>): Promise<number> {
    updates.forEach((u, i) => checkPrices([u], `/prices/${i}`));
    this.#deps.catalogPricing.checkCurrencies(updates, '/prices');
    return this.#write(async (em) => {
      const skus = [...new Set(updates.map((u) => u.sku.toLowerCase()))];
      const variants = await rows<{ id: string; sku: string; product_id: string; vendor_id: string | null }>(
        em,
        sql`select v.id, v.sku, v.product_id, p.vendor_id from cw_product_variant v join cw_product p on p.id = v.product_id
          where lower(v.sku) = any(${skus}) and v.deleted_at is null and p.deleted_at is null
            ${scope.kind === 'vendor' ? sql`and p.vendor_id = ${scope.vendorId}` : sql``}
          order by v.id for update of v`,
      );
      const bySku = new Map(variants.map((v) => [v.sku.toLowerCase(), v]));
      const errors = updates.flatMap((u, i) => (bySku.has(u.sku.toLowerCase()) ? [] : [bodyIssue(`/prices/${i}/sku`, 'exists', `no variant has SKU ${u.sku}`)]));
      if (errors.length) throw CatalogErrors.VARIANT_NOT_FOUND('Some SKUs match no variant; nothing was changed', { errors });
      for (const update of updates) {
        const variant = bySku.get(update.sku.toLowerCase())!;
        await run(
          em,
          sql`insert into cw_variant_price (variant_id, currency_code, amount, compare_at_amount) values (${variant.id}, ${update.currencyCode}, ${update.amount}, ${update.compareAtAmount ?? null})
            on conflict (variant_id, currency_code) do update set amount = excluded.amount, compare_at_amount = excluded.compare_at_amount`,
        );
      }
      const products = new Map(variants.map((v) => [v.product_id, v.vendor_id]));
      const now = new Date();
      await run(em, sql`update cw_product set updated_at = ${now} where id = any(${[...products.keys()]})`);
      for (const [productId, vendorId] of products) this.#deps.events.emit(em, 'product.updated', { productId, vendorId, fields: ['prices'] });
      this.#deps.auditLog.record(em, { action: 'product.bulk_prices_changed', target: { type: 'product', id: null }, before: null, after: { count: updates.length } });
      return updates.length;
    });
  }

  // ---- helpers ----

  /** Runs a write in a transaction, turning unique-index races into the same 409s the checks give. */
  async #write<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.#deps.em.transactional(work);
    } catch (error) {
      const index = uniqueViolation(error);
      if (index?.includes('sku')) throw CatalogErrors.PRODUCT_SKU_TAKEN('Another variant took this SKU at the same moment');
      if (index?.includes('slug')) throw CatalogErrors.PRODUCT_SLUG_TAKEN('Another product took this slug at the same moment');
      if (index?.includes('options_unique')) throw CatalogErrors.PRODUCT_DUPLICATE_VARIANT('Another variant took these option values at the same moment');
      throw error;
    }
  }

  async #lock(em: EntityManager, scope: CatalogScope, id: string, includeDeleted = false): Promise<LockedProduct> {
    const [product] = await rows<LockedProduct>(
      em,
      sql`select id, title, slug, status, vendor_id, published_at::text as published_at, deleted_at::text as deleted_at from cw_product where id = ${id} for update`,
    );
    const visible = product && (includeDeleted || !product.deleted_at) && (scope.kind === 'all' || product.vendor_id === scope.vendorId);
    if (!visible) throw CatalogErrors.PRODUCT_NOT_FOUND(`No product ${id}`);
    return product;
  }

  async #touch(em: EntityManager, product: LockedProduct, fields: string[]): Promise<void> {
    await run(em, sql`update cw_product set updated_at = ${new Date()} where id = ${product.id}`);
    this.#deps.events.emit(em, 'product.updated', { productId: product.id, vendorId: product.vendor_id, fields });
  }

  async #vendorFor(scope: CatalogScope, requested: string | null | undefined): Promise<string | null> {
    if (scope.kind === 'vendor') {
      if (requested && requested !== scope.vendorId) throw CatalogErrors.PRODUCT_NOT_YOURS('Vendors create and edit products of their own only');
      return scope.vendorId;
    }
    if (!requested) return null;
    const [vendor] = await rows<{ id: string }>(this.#deps.em, sql`select id from cw_user where id = ${requested} and role = 'vendor'`);
    if (!vendor) {
      throw CatalogErrors.PRODUCT_INVALID(`No vendor ${requested}`, { errors: [bodyIssue('/vendorId', 'exists', 'must be the id of a vendor account')] });
    }
    return requested;
  }

  /**
   * Checks what the input refers to, before the transaction opens (other modules' services run on
   * the request's own EntityManager, which must not wait on this write's connection). Returns the
   * attribute definitions the input names.
   */
  async #checkReferences(input: {
    brandId?: string | null | undefined;
    categoryIds?: string[] | undefined;
    tagIds?: string[] | undefined;
    attributes?: Record<string, unknown> | undefined;
  }): Promise<Map<string, AttributeDefinition>> {
    const lookup = { em: this.#transactionEm };
    if (input.brandId) await this.#deps.brandService.requireExisting(input.brandId, lookup);
    if (input.categoryIds?.length) await this.#deps.categoryService.requireExisting(input.categoryIds, lookup);
    if (input.tagIds?.length) await this.#deps.tagService.requireExisting(input.tagIds, lookup);
    if (!input.attributes) return new Map();
    const definitions = await this.#deps.attributeService.byCodes(Object.keys(input.attributes), lookup);
    const errors: FieldIssue[] = [];
    for (const [code, value] of Object.entries(input.attributes)) {
      const definition = definitions.get(code);
      if (!definition) errors.push(bodyIssue(`/attributes/${code}`, 'attribute', `no attribute has the code ${code}`));
      else if (value !== null) {
        const checked = checkAttributeValue(definition, value);
        if (!checked.ok) errors.push(bodyIssue(`/attributes/${code}`, checked.rule, `not a valid ${definition.type} value for ${definition.name}`));
      }
    }
    if (errors.length) throw CatalogErrors.PRODUCT_INVALID('Some attribute values do not fit their attribute', { errors });
    return definitions;
  }

  async #writeAttributes(
    em: EntityManager,
    productId: string,
    attributes: Record<string, string | number | boolean | null>,
    definitions: Map<string, AttributeDefinition>,
  ) {
    for (const [code, value] of Object.entries(attributes)) {
      const definition = definitions.get(code)!;
      if (value === null) {
        await run(em, sql`delete from cw_product_attribute where product_id = ${productId} and attribute_id = ${definition.id}`);
        continue;
      }
      const checked = checkAttributeValue(definition, value);
      if (!checked.ok) continue; // refused by #checkReferences already
      const text = definition.type === 'text' || definition.type === 'enum' ? String(checked.value) : null;
      const number = definition.type === 'number' ? String(checked.value) : null;
      const bool = definition.type === 'boolean' ? Boolean(checked.value) : null;
      await run(
        em,
        sql`insert into cw_product_attribute (product_id, attribute_id, text_value, number_value, boolean_value)
          values (${productId}, ${definition.id}, ${text}, ${number}::numeric, ${bool})
          on conflict (product_id, attribute_id) do update set text_value = excluded.text_value, number_value = excluded.number_value, boolean_value = excluded.boolean_value`,
      );
    }
  }

  async #setLinks(em: EntityManager, productId: string, kind: 'category' | 'tag', ids: readonly string[]) {
    const table = sql.raw(kind === 'category' ? 'cw_product_category' : 'cw_product_tag');
    const column = sql.raw(kind === 'category' ? 'category_id' : 'tag_id');
    await run(em, sql`delete from ${table} where product_id = ${productId}`);
    if (ids.length) await run(em, sql`insert into ${table} (product_id, ${column}) select ${productId}, unnest(${[...ids]}::text[])`);
  }

  async #options(em: EntityManager, productId: string): Promise<StoredOption[]> {
    const found = await rows<{ id: string; name: string; values: unknown }>(
      em,
      sql`select o.id, o.name, coalesce(json_agg(json_build_object('id', v.id, 'value', v.value) order by v.position) filter (where v.id is not null), '[]') as values
        from cw_product_option o left join cw_product_option_value v on v.option_id = o.id
        where o.product_id = ${productId} group by o.id order by o.position`,
    );
    return found.map((o) => ({ id: o.id, name: o.name, values: json(o.values) }));
  }

  async #insertOptions(em: EntityManager, productId: string, options: readonly OptionInput[]): Promise<StoredOption[]> {
    const stored: StoredOption[] = [];
    for (const [position, option] of options.entries()) {
      const id = newId('opt');
      await run(em, sql`insert into cw_product_option (id, product_id, name, position) values (${id}, ${productId}, ${option.name}, ${position})`);
      const values = option.values.map((value) => ({ id: newId('optval'), value }));
      await run(
        em,
        sql`insert into cw_product_option_value (id, option_id, value, position) values ${sql.join(values.map((v, i) => sql`(${v.id}, ${id}, ${v.value}, ${i})`))}`,
      );
      stored.push({ id, name: option.name, values });
    }
    return stored;
  }

  /**
   * Replaces the option list. Options and values are matched by name; a value that a live variant
   * uses cannot go; a new option gives every existing variant its first value; dropping an option
   * must leave the variants' combinations distinct.
   */
  async #replaceOptions(em: EntityManager, productId: string, next: readonly OptionInput[]) {
    const current = await this.#options(em, productId);
    const variants = await rows<{ id: string; title: string; option_values: unknown }>(
      em,
      sql`select v.id, p.title, v.option_values from cw_product_variant v join cw_product p on p.id = v.product_id where v.product_id = ${productId} and v.deleted_at is null`,
    );
    const used = new Set(variants.flatMap((v) => json<Array<{ option: string; value: string }>>(v.option_values).map((o) => `${o.option}\u0000${o.value}`)));
    for (const option of current) {
      const kept = next.find((o) => o.name === option.name);
      for (const value of option.values) {
        const stays = kept?.values.includes(value.value) ?? false;
        if (!stays && kept && used.has(`${option.name}\u0000${value.value}`)) {
          throw CatalogErrors.PRODUCT_OPTION_IN_USE(`"${option.name}: ${value.value}" is used by a variant; change or delete that variant first`);
        }
      }
    }
    await run(em, sql`delete from cw_product_option where product_id = ${productId}`);
    const stored = await this.#insertOptions(em, productId, next);
    const rekeyed = variants.map((variant) => {
      const had = Object.fromEntries(json<Array<{ option: string; value: string }>>(variant.option_values).map((o) => [o.option, o.value]));
      const given = Object.fromEntries(stored.map((o) => [o.name, had[o.name] ?? o.values[0]!.value]));
      return { variant, ...resolveVariantOptions(stored, given, `/variants/${variant.id}`) };
    });
    checkVariantSet(rekeyed.map((r) => ({ sku: r.variant.id, optionKey: r.optionKey })), stored.length === 0 ? 0 : stored.length);
    for (const r of rekeyed) {
      await run(
        em,
        sql`update cw_product_variant set option_key = ${r.optionKey}, option_values = ${JSON.stringify(r.optionValues)}::jsonb,
          title = ${variantTitle(r.variant.title, r.optionValues)} where id = ${r.variant.id}`,
      );
    }
  }

  async #insertVariant(
    em: EntityManager,
    productId: string,
    productTitle: string,
    input: VariantInput,
    resolved: { optionValues: Array<{ option: string; value: string }>; optionKey: string },
    position: number,
    now: Date,
  ): Promise<string> {
    const id = newId('var');
    await run(
      em,
      sql`insert into cw_product_variant (id, product_id, sku, barcode, title, option_key, option_values, weight_grams, length_mm, width_mm, height_mm, position, created_at, updated_at)
        values (${id}, ${productId}, ${input.sku}, ${input.barcode ?? null}, ${variantTitle(productTitle, resolved.optionValues)}, ${resolved.optionKey},
          ${JSON.stringify(resolved.optionValues)}::jsonb, ${input.weightGrams ?? null}, ${input.lengthMm ?? null}, ${input.widthMm ?? null}, ${input.heightMm ?? null},
          ${position}, ${now}, ${now})`,
    );
    await this.#setPrices(em, id, input.prices ?? []);
    return id;
  }

  async #setPrices(em: EntityManager, variantId: string, prices: readonly PriceInput[]) {
    await run(em, sql`delete from cw_variant_price where variant_id = ${variantId}`);
    if (!prices.length) return;
    await run(
      em,
      sql`insert into cw_variant_price (variant_id, currency_code, amount, compare_at_amount) values ${sql.join(
        prices.map((p) => sql`(${variantId}, ${p.currencyCode}, ${p.amount}, ${p.compareAtAmount ?? null})`),
      )}`,
    );
  }

  async #slugTaken(em: EntityManager, slug: string, productId: string | null): Promise<boolean> {
    const [row] = await rows<{ product_id: string }>(em, sql`select product_id from cw_product_slug where slug = ${slug}`);
    return row !== undefined && row.product_id !== productId;
  }

  #slugTakenError(slug: string) {
    return CatalogErrors.PRODUCT_SLUG_TAKEN(`The slug ${slug} belongs to another product (now or earlier)`, {
      errors: [bodyIssue('/slug', 'unique', 'is taken')],
    });
  }

  async #requireSkusFree(em: EntityManager, skus: readonly string[], exceptVariantIds: readonly string[]) {
    if (!skus.length) return;
    const taken = await rows<{ sku: string }>(
      em,
      sql`select sku from cw_product_variant where lower(sku) = any(${skus.map((s) => s.toLowerCase())}) and deleted_at is null and not (id = any(${[...exceptVariantIds]}))`,
    );
    if (taken.length) {
      throw CatalogErrors.PRODUCT_SKU_TAKEN(`SKU ${taken.map((t) => t.sku).join(', ')} belongs to another variant`, { extensions: { skus: taken.map((t) => t.sku) } });
    }
  }

  async #requireCombinationFree(em: EntityManager, productId: string, optionKey: string, exceptVariantId: string | null) {
    const [clash] = await rows<{ id: string }>(
      em,
      sql`select id from cw_product_variant where product_id = ${productId} and option_key = ${optionKey} and deleted_at is null and id is distinct from ${exceptVariantId}`,
    );
    if (clash) throw CatalogErrors.PRODUCT_DUPLICATE_VARIANT(`Variant ${clash.id} already has these option values`);
  }

  async #requireVariant(em: EntityManager, productId: string, variantId: string) {
    const [found] = await rows<{ id: string }>(
      em,
      sql`select id from cw_product_variant where id = ${variantId} and product_id = ${productId} and deleted_at is null for update`,
    );
    if (!found) throw CatalogErrors.VARIANT_NOT_FOUND(`Product ${productId} has no variant ${variantId}`);
  }

  /** A published product's every variant has a price in the store's default currency. */
  #requireDefaultPrices(priceLists: ReadonlyArray<readonly PriceInput[]>, pointer: string) {
    const currency = this.#deps.catalogPricing.defaultCurrency;
    const errors = priceLists.flatMap((prices, i) =>
      prices.some((p) => p.currencyCode === currency) ? [] : [bodyIssue(`${pointer}${pointer ? `/${i}` : ''}/prices`, 'defaultPrice', `needs a price in ${currency}`)],
    );
    if (errors.length) throw CatalogErrors.PRODUCT_INVALID(`A published product's variants need a price in ${currency}`, { errors });
  }

  async #requirePublishable(em: EntityManager, productId: string) {
    const currency = this.#deps.catalogPricing.defaultCurrency;
    const unpriced = await rows<{ sku: string }>(
      em,
      sql`select v.sku from cw_product_variant v where v.product_id = ${productId} and v.deleted_at is null
        and not exists (select 1 from cw_variant_price p where p.variant_id = v.id and p.currency_code = ${currency})`,
    );
    if (unpriced.length) {
      throw CatalogErrors.PRODUCT_INVALID(`Give ${unpriced.map((u) => u.sku).join(', ')} a price in ${currency} before publishing`, {
        extensions: { skus: unpriced.map((u) => u.sku) },
      });
    }
  }
}
