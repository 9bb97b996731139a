import { describeMediaStorageConformance } from '@cartwright/core/testing';
import { CloudinaryStorage } from '@cartwright/plugin-cloudinary';
import { startCloudinaryStandIn } from './cloudinary-stand-in.ts';

const ACCOUNT = { cloudName: 'test-cloud', apiKey: '614335564976464', apiSecret: 'a-secret-only-the-store-and-cloudinary-know' };

// the stand-in checks every signed call as Cloudinary does and delivers what it holds, transformations included
describeMediaStorageConformance('CloudinaryStorage (against the Cloudinary stand-in)', async () => {
  const standIn = await startCloudinaryStandIn(ACCOUNT);
  const options = { folder: 'conformance', apiBaseUrl: standIn.url, deliveryBaseUrl: standIn.url, timeoutMs: 5_000 };
  return {
    storage: new CloudinaryStorage({ ...options, credentials: ACCOUNT }),
    fetchStored: async (url) => {
      const response = await fetch(url);
      return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') };
    },
    failing: new CloudinaryStorage({ ...options, credentials: { ...ACCOUNT, apiSecret: 'not-the-secret' } }),
    secrets: ['not-the-secret', ACCOUNT.apiSecret],
    teardown: () => standIn.stop(),
  };
});
