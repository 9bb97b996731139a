import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'enum'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** The definition of a product attribute (`material`, `screen_size`): its values live on products. */
export const Attribute = defineEntity({
  name: 'Attribute',
  tableName: 'cw_attribute',
  properties: {
    id: p.string().length(64).primary(),
    code: p.string().length(64),
    name: p.string().length(200),
    type: p.string().length(10).$type<AttributeType>(),
    enumValues: p.json<string[]>().defaultRaw(`'[]'`),
    unit: p.string().length(20).nullable(),
    filterable: p.boolean().default(false),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type AttributeRecord = InferEntity<typeof Attribute>;
