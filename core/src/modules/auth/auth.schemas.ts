import { Type } from 'typebox';
import { MediaViewSchema } from '../media/index.ts';

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('pending'), Type.Literal('disabled')]),
  emailVerified: Type.Boolean(),
  phone: Type.Union([Type.String(), Type.Null()]),
  avatarImageId: Type.Union([Type.String(), Type.Null()]),
  preferences: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
});

/** The signed-in account as `/store/me` shows it: the account plus its avatar image and URLs. */
export const MeView = Type.Object({ ...UserView.properties, avatar: Type.Union([MediaViewSchema, Type.Null()]) });

export const TokenPairView = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
});

export const Email = Type.String({ minLength: 3, maxLength: 320 });
/** Length is checked by the password policy (with a precise message); this only bounds the input. */
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const OpaqueToken = Type.String({ minLength: 10, maxLength: 200 });

export function toUserView(user: {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  emailVerifiedAt?: Date | null;
  phone?: string | null;
  avatarImageId?: string | null;
  preferences?: Record<string, unknown>;
  createdAt: Date;
}) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status as 'active' | 'pending' | 'disabled',
    emailVerified: Boolean(user.emailVerifiedAt),
    phone: user.phone ?? null,
    avatarImageId: user.avatarImageId ?? null,
    preferences: user.preferences ?? {},
    createdAt: user.createdAt.toISOString(),
  };
}
