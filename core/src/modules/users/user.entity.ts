import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const USER_ROLES = ['admin', 'staff', 'customer', 'vendor'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type UserStatus = 'active' | 'pending' | 'disabled';

export const User = defineEntity({
  name: 'User',
  tableName: 'cw_user',
  properties: {
    id: p.string().length(64).primary(),
    email: p.string().length(320),
    name: p.string().length(200).default(''),
    role: p.string().length(64).$type<UserRole>(),
    status: p.string().length(16).$type<UserStatus>(),
    passwordHash: p.text().nullable().hidden(),
    emailVerifiedAt: p.datetime().nullable(),
    phone: p.string().length(32).nullable(),
    avatarImageId: p.string().length(64).nullable(),
    preferences: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type UserRecord = InferEntity<typeof User>;
