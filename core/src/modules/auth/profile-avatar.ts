import type { EntityManager } from '@mikro-orm/sql';
import type { Logger } from '../../kernel/logger.ts';
import { AppError } from '../../kernel/errors.ts';
import type { MediaService, MediaView } from '../media/index.ts';
import { User, UserErrors } from '../users/index.ts';

interface Deps {
  em: EntityManager;
  mediaService: MediaService;
  logger: Logger;
}

const AVATAR_FIELD = '/avatarImageId';

/**
 * A profile's avatar: an image the account itself uploaded (through `PUT /store/me/avatar`, or the
 * vendor portal's media), never someone else's, whose id would otherwise let anyone show another
 * customer's photo, or a product image, as their face.
 */
export class ProfileAvatars {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** Throws `USER_AVATAR_INVALID` naming the field unless `mediaId` is an image `userId` uploaded. */
  async requireUsable(userId: string, mediaId: string, pointer = AVATAR_FIELD): Promise<void> {
    let media;
    try {
      media = await this.#deps.mediaService.get(mediaId, { ownerId: userId });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'MEDIA_NOT_FOUND')) throw error;
      // someone else's upload answers like a missing one: the id tells nothing about other accounts
      throw UserErrors.USER_AVATAR_INVALID(`No image ${mediaId} uploaded by this account`, {
        errors: [{ in: 'body', pointer, rule: 'ownUpload', message: 'must be an image this account uploaded (PUT /store/me/avatar)' }],
      });
    }
    if (!media.mimeType.startsWith('image/')) {
      throw UserErrors.USER_AVATAR_INVALID(`Media ${mediaId} is not an image`, {
        errors: [{ in: 'body', pointer, rule: 'image', message: 'must be an image' }],
      });
    }
  }

  /** Uploads an image as the account's avatar (media limits and checks apply) and sets it; the one it replaces is deleted. */
  async upload(userId: string, file: { bytes: Buffer; filename: string }): Promise<void> {
    const view = await this.#deps.mediaService.upload({ bytes: file.bytes, filename: file.filename, purpose: 'avatar', ownerId: userId });
    await this.set(userId, view.id);
  }

  /** Sets (or with `null` clears) the avatar; an avatar upload it replaces is deleted. */
  async set(userId: string, mediaId: string | null): Promise<void> {
    if (mediaId !== null) await this.requireUsable(userId, mediaId);
    const user = await this.#deps.em.findOneOrFail(User, { id: userId });
    const previous = user.avatarImageId;
    if (previous === mediaId) return;
    user.avatarImageId = mediaId;
    await this.#deps.em.flush();
    if (previous) await this.#discard(userId, previous);
  }

  /** The avatar's image with its URLs, or null (also when the media has gone since). */
  async view(user: { avatarImageId?: string | null }): Promise<MediaView | null> {
    if (!user.avatarImageId) return null;
    return (await this.#deps.mediaService.views([user.avatarImageId])).get(user.avatarImageId) ?? null;
  }

  /** Deletes a replaced avatar upload of this account; media uploaded for anything else stays. */
  async #discard(userId: string, mediaId: string): Promise<void> {
    const media = await this.#deps.mediaService.get(mediaId, { ownerId: userId }).catch(() => null);
    if (media?.purpose !== 'avatar') return;
    // the profile is already right; a file that cannot go now is an orphan, not a broken profile
    await this.#deps.mediaService.remove(mediaId, { ownerId: userId }).catch((error) => this.#deps.logger.warn({ err: error, mediaId }, 'replaced avatar could not be deleted'));
  }
}
