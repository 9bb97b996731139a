import { Type } from 'typebox';
import { defineRoute, reply } from '../../kernel/http/route.ts';
import { signedInUser } from '../../kernel/http/access.ts';
import { User } from '../users/user.entity.ts';
import type { Cradle } from '../../kernel/container.ts';
import type { RuntimeConfig } from '../../kernel/config/define-config.ts';
import { formatBytes, MediaErrors } from '../media/index.ts';
import { Email, MeView, OpaqueToken, Password, TokenPairView, toUserView, UserView } from './auth.schemas.ts';

export const authRoutes = [
  defineRoute({
    method: 'POST',
    path: '/register',
    summary: 'Create a customer or vendor account',
    description: 'Sends a verification email. Vendor accounts start `pending` until an admin approves them.',
    tags: ['auth'],
    schema: {
      body: Type.Object({
        email: Email,
        password: Password,
        name: Type.String({ minLength: 1, maxLength: 200 }),
        role: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('vendor')], { default: 'customer' })),
      }),
      response: { 201: Type.Object({ user: UserView }) },
    },
    handler: async ({ body, cradle }) => {
      const created = await cradle.authService.register({ ...body, role: body.role ?? 'customer' });
      const user = await cradle.em.findOneOrFail(User, { id: created.id });
      return reply(201, { user: toUserView(user) });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/verify-email',
    summary: 'Confirm an email address with the token from the verification email',
    tags: ['auth'],
    schema: { body: Type.Object({ token: OpaqueToken }), response: { 200: Type.Object({ user: UserView }) } },
    handler: async ({ body, cradle }) => ({ user: toUserView(await cradle.authService.verifyEmail(body.token)) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/login',
    summary: 'Sign in with email and password',
    tags: ['auth'],
    schema: {
      body: Type.Object({ email: Email, password: Password }),
      response: { 200: Type.Object({ ...TokenPairView.properties, user: UserView }) },
    },
    handler: async ({ body, cradle, ctx }) => {
      const { user, ...tokens } = await cradle.authService.login(body, { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined });
      await cradle.hooks.run('auth.signedIn', { userId: user.id }, { cradle, header: (name) => ctx.get(name) || undefined });
      return { ...tokens, user: toUserView(user) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/refresh',
    summary: 'Exchange a refresh token for a new token pair (the old refresh token stops working)',
    description: 'Presenting a refresh token a second time ends its session: someone else holds a copy.',
    tags: ['auth'],
    schema: { body: Type.Object({ refreshToken: OpaqueToken }), response: { 200: TokenPairView } },
    handler: async ({ body, cradle }) => {
      const { userId: _userId, ...pair } = await cradle.sessionService.refresh(body.refreshToken);
      return pair;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/password/forgot',
    summary: 'Email a password reset link',
    description: 'Always answers 202, whether or not the address has an account.',
    tags: ['auth'],
    schema: { body: Type.Object({ email: Email }), response: { 202: null } },
    handler: async ({ body, cradle, ctx }) => {
      await cradle.authService.forgotPassword(body.email, { ip: ctx.ip });
      return reply(202, undefined);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/password/reset',
    summary: 'Set a new password with the token from the reset email; ends every session',
    tags: ['auth'],
    schema: { body: Type.Object({ token: OpaqueToken, password: Password }), response: { 204: null } },
    handler: async ({ body, cradle, ctx }) => {
      await cradle.authService.resetPassword(body.token, body.password, { ip: ctx.ip });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/logout',
    summary: 'End this session, or with `all: true` every session of the account',
    tags: ['auth'],
    access: 'authenticated',
    schema: { body: Type.Object({ all: Type.Optional(Type.Boolean({ default: false })) }), response: { 204: null } },
    handler: async ({ body, actor, cradle }) => {
      const { userId, sessionId } = signedInUser(actor);
      if (body.all) await cradle.sessionService.revokeAll(userId, 'logout_all');
      else await cradle.sessionService.revoke(sessionId, 'logout');
    },
  }),
];

/** `/store/me`: the signed-in account's profile, avatar and password. */
export function meRoutes(media: RuntimeConfig['media']) {
  const limit = media.maxUploadBytes;
  const meView = async (cradle: Cradle, userId: string) => {
    const user = await cradle.em.findOneOrFail(User, { id: userId });
    return { ...toUserView(user), avatar: await cradle.profileAvatars.view(user) };
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/',
      summary: 'The signed-in account',
      description: '`avatar` is the avatar image with its URLs (null when none is set).',
      tags: ['account'],
      access: 'authenticated',
      schema: { response: { 200: MeView } },
      handler: async ({ actor, cradle }) => meView(cradle, signedInUser(actor).userId),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/',
      summary: 'Update the profile of the signed-in account',
      description: '`avatarImageId` must be an image this account uploaded (`PUT /store/me/avatar` uploads and sets one in a single call); `null` removes it.',
      tags: ['account'],
      access: 'authenticated',
      schema: {
        body: Type.Object({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          phone: Type.Optional(Type.Union([Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, e.g. +14155550123' }), Type.Null()])),
          avatarImageId: Type.Optional(Type.Union([Type.String({ pattern: '^med_[0-9A-Za-z]+$', maxLength: 64, description: 'A media id (`med_…`) this account uploaded' }), Type.Null()])),
          preferences: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 })),
        }),
        response: { 200: MeView },
      },
      handler: async ({ actor, body, cradle }) => {
        const { userId } = signedInUser(actor);
        // checked before anything changes: a refused avatar leaves the whole profile as it was
        if (body.avatarImageId) await cradle.profileAvatars.requireUsable(userId, body.avatarImageId);
        const user = await cradle.em.findOneOrFail(User, { id: userId });
        if (body.name !== undefined) user.name = body.name;
        if (body.phone !== undefined) user.phone = body.phone;
        if (body.preferences !== undefined) user.preferences = { ...user.preferences, ...body.preferences };
        await cradle.em.flush();
        if (body.avatarImageId !== undefined) await cradle.profileAvatars.set(userId, body.avatarImageId);
        return meView(cradle, userId);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/avatar',
      summary: 'Upload an image and make it the avatar',
      description:
        `multipart/form-data with the image in \`file\` (at most ${formatBytes(limit)}; JPEG, PNG, WebP, GIF or AVIF, recognised by their bytes). ` +
        'The avatar it replaces, if it was uploaded here, is deleted.',
      tags: ['account'],
      access: 'authenticated',
      multipart: {
        fileField: 'file',
        maxFileBytes: limit,
        fileTooLarge: (max) => MediaErrors.MEDIA_TOO_LARGE(`The file is larger than the limit of ${formatBytes(max)}`, { extensions: { limit: max } }),
      },
      schema: { body: Type.Object({}), response: { 200: MeView } },
      handler: async ({ actor, files, cradle }) => {
        const { userId } = signedInUser(actor);
        const [file] = files;
        await cradle.profileAvatars.upload(userId, { bytes: file!.bytes, filename: file!.filename });
        return meView(cradle, userId);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/avatar',
      summary: 'Remove the avatar (an uploaded avatar image is deleted)',
      tags: ['account'],
      access: 'authenticated',
      schema: { response: { 204: null } },
      handler: async ({ actor, cradle }) => {
        await cradle.profileAvatars.set(signedInUser(actor).userId, null);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/password',
      summary: 'Change the password (needs the current one); ends every other session',
      tags: ['account'],
      access: 'authenticated',
      schema: { body: Type.Object({ currentPassword: Password, newPassword: Password }), response: { 204: null } },
      handler: async ({ actor, body, cradle }) => {
        const { userId, sessionId } = signedInUser(actor);
        await cradle.authService.changePassword(userId, sessionId, body.currentPassword, body.newPassword);
      },
    }),
  ];
}
