import { defineErrorCodes } from '../../kernel/errors.ts';

export const MediaErrors = defineErrorCodes({
  MEDIA_TOO_LARGE: { status: 413, title: 'The file is larger than the upload limit' },
  MEDIA_UNSUPPORTED_TYPE: { status: 415, title: 'The file is not an image type the store accepts' },
  MEDIA_UNREADABLE: { status: 422, title: 'The image cannot be decoded' },
  MEDIA_DIMENSIONS_TOO_LARGE: { status: 422, title: 'The image has more pixels than allowed' },
  MEDIA_NOT_FOUND: { status: 404, title: 'No such media' },
  MEDIA_IN_USE: { status: 409, title: 'The media is still in use' },
  MEDIA_STORAGE_FAILED: { status: 502, title: 'The media storage failed' },
});
