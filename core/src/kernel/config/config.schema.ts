import { Type, type Static } from 'typebox';

/** A counter's allowance: `points` attempts per `duration` seconds, then refused for `blockDuration` seconds (0: until the window ends). */
function rateLimit(points: number, duration: number, blockDuration: number) {
  return Type.Object(
    {
      points: Type.Integer({ minimum: 1, default: points }),
      duration: Type.Integer({ minimum: 1, default: duration }),
      blockDuration: Type.Integer({ minimum: 0, default: blockDuration }),
    },
    { additionalProperties: false, default: {} },
  );
}

/**
 * The JSON Schema of the core configuration. Defaults live here and only here: validation fills
 * them in, so the runtime config is always complete.
 */
export const CoreConfigSchema = Type.Object(
  {
    store: Type.Object(
      {
        name: Type.String({ minLength: 1, default: 'Cartwright store' }),
        /** Orders and reports are stamped in this zone. */
        timezone: Type.String({ default: 'UTC' }),
        /** The seller's registered name, printed on invoices and credit notes (absent: `name`). */
        legalName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        /** The seller's postal address as printed on invoices, one entry per line. */
        addressLines: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 8 })),
        /** VAT number or other tax id, printed on invoices. */
        taxId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        /** Contact email printed on invoices. */
        email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
      },
      { additionalProperties: false, default: {} },
    ),
    http: Type.Object(
      {
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 9000 }),
        host: Type.String({ default: '0.0.0.0' }),
        /** Largest accepted request body, in bytes. */
        bodyLimit: Type.Integer({ minimum: 1, default: 1_048_576 }),
        /** Trust X-Forwarded-* headers (behind a load balancer). */
        trustProxy: Type.Boolean({ default: false }),
        /** Time given to in-flight requests on SIGTERM before connections are cut, then to each later part of shutdown, in ms. */
        shutdownTimeout: Type.Integer({ minimum: 0, default: 10_000 }),
        /**
         * How long an idle keep-alive connection stays open, in ms. Behind a load balancer, make it
         * longer than the balancer's idle timeout, or the balancer may reuse a connection just as
         * the server closes it.
         */
        keepAliveTimeout: Type.Integer({ minimum: 1, default: 5_000 }),
        cors: Type.Object(
          {
            /** Allowed origins; empty allows none (server-to-server only), `*` allows all. */
            origins: Type.Array(Type.String(), { default: [] }),
            credentials: Type.Boolean({ default: false }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    database: Type.Object(
      {
        /** PostgreSQL connection URL. Unset: the embedded database (PGlite). */
        url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
        /** Where the embedded database keeps its files; `memory://` keeps nothing. */
        dataDir: Type.String({ default: './.cartwright/data' }),
        /** Apply pending migrations at start. Defaults to on for the embedded database only. */
        autoMigrate: Type.Optional(Type.Boolean()),
        poolSize: Type.Integer({ minimum: 1, default: 10 }),
        debug: Type.Boolean({ default: false }),
      },
      { additionalProperties: false, default: {} },
    ),
    events: Type.Object(
      {
        /**
         * Deliveries of one event to one subscriber before it is marked failed. With the default
         * delays the attempts span 20 to 40 minutes (jitter), enough to ride out a restart or a short outage.
         */
        maxAttempts: Type.Integer({ minimum: 1, default: 12 }),
        /** First retry delay; each further retry doubles it (with jitter), in ms. */
        retryBaseDelay: Type.Integer({ minimum: 1, default: 2_000 }),
        /** Longest retry delay, in ms. */
        retryMaxDelay: Type.Integer({ minimum: 1, default: 600_000 }),
        /** How long a claimed delivery is hidden from other dispatchers (a crashed one's claims come back after it), in ms. */
        leaseDuration: Type.Integer({ minimum: 1_000, default: 60_000 }),
        /** How often the dispatcher looks for due outbox rows when nothing woke it, in ms. */
        pollInterval: Type.Integer({ minimum: 10, default: 1_000 }),
        batchSize: Type.Integer({ minimum: 1, default: 50 }),
      },
      { additionalProperties: false, default: {} },
    ),
    jobs: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        /** How often workers look for due jobs, in ms. */
        processEvery: Type.Integer({ minimum: 10, default: 5_000 }),
        maxConcurrency: Type.Integer({ minimum: 1, default: 10 }),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        /** Lifetime of an access token (JWT), in seconds. */
        accessTokenTtl: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }),
        /** Lifetime of a session's refresh token, in seconds; each refresh issues a new one. */
        refreshTokenTtl: Type.Integer({ minimum: 300, default: 2_592_000 }),
        /** How long an email verification link stays valid, in seconds. */
        verificationTokenTtl: Type.Integer({ minimum: 300, default: 172_800 }),
        /** How long a password reset link stays valid, in seconds. */
        resetTokenTtl: Type.Integer({ minimum: 60, maximum: 86_400, default: 1_800 }),
        jwt: Type.Object(
          {
            /**
             * Pinned: tokens signed with any other algorithm (or `none`) are refused. (EdDSA is not
             * offered: jsonwebtoken, which passport-jwt verifies with, does not implement it.)
             */
            algorithm: Type.Union([Type.Literal('HS256'), Type.Literal('RS256'), Type.Literal('ES256'), Type.Literal('EdDSA')], { default: 'HS256' }),
            /** HS256 key, at least 32 characters; from `JWT_SECRET`. */
            secret: Type.Optional(Type.String({ minLength: 32 })),
            /** RS256/ES256/EdDSA (Ed25519) private key (PEM); from `JWT_PRIVATE_KEY`. */
            privateKey: Type.Optional(Type.String({ minLength: 1 })),
            /** RS256/ES256/EdDSA (Ed25519) public key (PEM); from `JWT_PUBLIC_KEY`. */
            publicKey: Type.Optional(Type.String({ minLength: 1 })),
            issuer: Type.String({ minLength: 1, default: 'cartwright' }),
            audience: Type.String({ minLength: 1, default: 'cartwright' }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** Where the links in verification and reset emails point (the storefront's pages). */
        storefrontUrl: Type.String({ default: 'http://localhost:3000' }),
        /**
         * Brute-force protection for sign-in and password reset: per client IP, and per account
         * (failed sign-ins only; a success clears the account's count).
         */
        rateLimits: Type.Object(
          {
            /** `database` (the store's own database) or `redis` (`redisUrl`, for several API nodes under heavy load). */
            store: Type.Union([Type.Literal('database'), Type.Literal('redis')], { default: 'database' }),
            redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
            loginPerIp: rateLimit(30, 900, 900),
            loginPerAccount: rateLimit(5, 900, 900),
            passwordResetPerIp: rateLimit(10, 3600, 0),
            passwordResetPerAccount: rateLimit(3, 3600, 0),
            /** New passwords submitted with a valid reset link, per account (counted once the link resolves to the account). */
            passwordResetConfirmPerAccount: rateLimit(5, 3600, 0),
          },
          { additionalProperties: false, default: {} },
        ),
        /** Actions that need a verified email address. */
        requireVerifiedEmailFor: Type.Array(Type.Union([Type.Literal('checkout'), Type.Literal('reviews')]), { default: [] }),
      },
      { additionalProperties: false, default: {} },
    ),
    catalog: Type.Object(
      {
        /** The currency prices are entered in first, and shown when a shopper asks for none. ISO 4217. */
        defaultCurrency: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD' }),
        /** Every currency the store sells in (the default is always one of them). */
        currencies: Type.Array(Type.String({ pattern: '^[A-Z]{3}$' }), { uniqueItems: true, default: ['USD'] }),
        /**
         * Units of each currency one unit of the default currency buys, as decimal strings
         * (`{ EUR: '0.9215' }`). A variant with no price of its own in a requested currency shows its
         * default-currency price converted at this rate, rounded half up to the currency's minor unit;
         * a currency without a rate shows no price. Empty: never convert.
         */
        exchangeRates: Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.String({ pattern: '^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,10})?$' }), { default: {} }),
      },
      { additionalProperties: false, default: {} },
    ),
    tax: Type.Object(
      {
        /**
         * Whether the prices the store enters already contain tax (VAT/GST style, `true`) or tax is
         * added on top at checkout (US sales-tax style, `false`). One setting per store.
         */
        pricesIncludeTax: Type.Boolean({ default: false }),
        /** The tax class of a line whose product names none, and of shipping. */
        defaultTaxClass: Type.String({ minLength: 1, default: 'standard' }),
        /**
         * Where tax is estimated for a cart that has no shipping address yet (ISO 3166-1 alpha-2, and
         * optionally a region). Absent: such a cart shows no tax until an address is set.
         */
        estimateCountryCode: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
        estimateRegion: Type.Optional(Type.String({ minLength: 1 })),
        /**
         * Tax rates by destination and tax class. For a line, the rules of its class for the shipping
         * address's country and region win over those for the whole country; no rule: no tax. Rules
         * marked `stack` for the same country, region and class all apply.
         * Tax is rounded per line, half up (decision 0014). Empty: no tax anywhere.
         */
        rates: Type.Array(
          Type.Object(
            {
              /** Stable id, shown in the per-rate breakdown (`de-vat`). */
              id: Type.String({ minLength: 1 }),
              /** What receipts call it (`MwSt. 19 %`). */
              name: Type.String({ minLength: 1 }),
              /** ISO 3166-1 alpha-2. */
              countryCode: Type.String({ pattern: '^[A-Z]{2}$' }),
              /** Subdivision code within the country (`CA` for California); absent: the whole country. */
              region: Type.Optional(Type.String({ minLength: 1 })),
              /** The product tax class the rate is for; absent: the store's `defaultTaxClass`. */
              taxClass: Type.Optional(Type.String({ minLength: 1 })),
              /** Percent as a decimal string (`'19'`, `'7.25'`), never a float. */
              rate: Type.String({ pattern: '^(0|[1-9][0-9]{0,2})(\\.[0-9]{1,6})?$' }),
              /**
               * Applies together with the other `stack: true` rates of the same country, region and
               * class (IN CGST + SGST), each shown as its own rate; without it two such rates are an error.
               */
              stack: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    inventory: Type.Object(
      {
        /** How long stock held for a checkout stays held when the order is neither paid nor cancelled. */
        reservationTtlMinutes: Type.Integer({ minimum: 1, maximum: 10_080, default: 15 }),
      },
      { additionalProperties: false, default: {} },
    ),
    carts: Type.Object(
      {
        /** A guest cart untouched this long expires (and releases anything it holds). */
        guestTtlDays: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
        /** A customer's cart untouched this long expires. */
        customerTtlDays: Type.Integer({ minimum: 1, maximum: 3650, default: 120 }),
        /** Most distinct lines in one cart. */
        maxLines: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        /** Most units of one variant in one cart. */
        maxQuantityPerLine: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 999 }),
      },
      { additionalProperties: false, default: {} },
    ),
    shipping: Type.Object(
      {
        /**
         * Flat-rate shipping options: one price per currency, optionally only for some countries and
         * free above an order value. A cart is offered the options whose countries include its
         * shipping address's and that have a price in its currency.
         */
        flatRates: Type.Array(
          Type.Object(
            {
              id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
              name: Type.String({ minLength: 1, maxLength: 200 }),
              /** Minor units per currency (`{ USD: 495 }`). */
              amounts: Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.Integer({ minimum: 0 })),
              /** ISO 3166-1 alpha-2 codes; absent: every country. */
              countries: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { minItems: 1 })),
              /** Free when the order's subtotal after discounts reaches this, per currency. */
              freeAbove: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.Integer({ minimum: 0 }))),
              minDays: Type.Optional(Type.Integer({ minimum: 0 })),
              maxDays: Type.Optional(Type.Integer({ minimum: 0 })),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
        /**
         * Where parcels leave from when a stock location has no address of its own: carriers need
         * it for live rates and labels. Absent: carrier-calculated options are not offered and labels
         * cannot be bought until a location has an address.
         */
        origin: Type.Optional(
          Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              company: Type.Optional(Type.String({ maxLength: 200 })),
              line1: Type.String({ minLength: 1, maxLength: 200 }),
              line2: Type.Optional(Type.String({ maxLength: 200 })),
              city: Type.String({ minLength: 1, maxLength: 100 }),
              region: Type.Optional(Type.String({ maxLength: 100 })),
              postalCode: Type.String({ minLength: 1, maxLength: 20 }),
              countryCode: Type.String({ pattern: '^[A-Z]{2}$' }),
              phone: Type.Optional(Type.String({ maxLength: 40 })),
              email: Type.Optional(Type.String({ maxLength: 320 })),
            },
            { additionalProperties: false },
          ),
        ),
        /**
         * Carriers without an API besides the built-in `manual` one: staff type the tracking number
         * and, with a `trackingUrl` template (`https://track.example.com/?n={trackingNumber}`), the
         * customer gets a link. Name one in a fulfillment's `carrier` by its id.
         */
        manualCarriers: Type.Array(
          Type.Object(
            {
              id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,49}$' }),
              name: Type.String({ minLength: 1, maxLength: 100 }),
              trackingUrl: Type.Optional(Type.String({ pattern: '^https?://.*\\{trackingNumber\\}', maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    notifications: Type.Object(
      {
        /** The locale of a recipient who has none, and of the shipped templates' fallback (BCP 47, `en`, `de-DE`). */
        defaultLocale: Type.String({ pattern: '^[a-z]{2,3}(-[A-Z]{2})?$', default: 'en' }),
        /** One-click unsubscribe links (RFC 8058) in notification emails; see docs/storefront/notification-preferences.md. */
        unsubscribe: Type.Object(
          {
            /** Signs the links (HMAC-SHA256), at least 32 characters; from `NOTIFICATIONS_SECRET`. Unset: derived from `auth.jwt.secret`. */
            secret: Type.Optional(Type.String({ minLength: 32 })),
            /** This API's `/store/notifications/unsubscribe` as recipients reach it (`https://api.example.com/store/notifications/unsubscribe`). Unset: `<auth.storefrontUrl>/unsubscribe`, which the storefront forwards. */
            url: Type.Optional(Type.String({ pattern: '^https?://' })),
          },
          { additionalProperties: false, default: {} },
        ),
        /** Promotional email campaigns (docs/admin/campaigns.md). */
        campaigns: Type.Object(
          {
            /** The most campaign emails handed to delivery per minute, across all campaigns sending at once (a campaign may set a lower rate). */
            ratePerMinute: Type.Integer({ minimum: 1, maximum: 100_000, default: 600 }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** How many times a message is tried on its channel before it is dead-lettered. */
        maxAttempts: Type.Integer({ minimum: 1, maximum: 50, default: 6 }),
        /**
         * How often an open notification stream sends a keep-alive comment (proxies close idle
         * connections after about a minute) and re-checks its session and the inbox, in case a wake-up was lost.
         */
        streamHeartbeatSeconds: Type.Integer({ minimum: 1, maximum: 3_600, default: 15 }),
        /** The first retry's delay; each next one doubles it (with jitter), up to six hours. */
        retryBaseSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
        /**
         * How long one send may take before it counts as a retryable failure (retried with backoff). Above the channels'
         * own timeouts (the SMTP plugin's socket timeout is 60 s), so it only catches a channel that hangs.
         */
        sendTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 3_600, default: 90 }),
        /** How many messages of one channel kind are sent at once; each kind is sent alongside the others. */
        channelConcurrency: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
        /**
         * Changes to the notification rules (docs/merchant/notifications.md): an entry whose `id` is a default rule's overrides
         * the fields it gives (`enabled: false` turns it off); a new `id` adds a rule (then `event`, `audience`, `channels` and
         * `template` are required).
         */
        rules: Type.Array(
          Type.Object(
            {
              id: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,99}$' }),
              event: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              audience: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('user'), Type.Literal('vendors'), Type.Literal('staff'), Type.Literal('subscriber'), Type.Literal('requested')])),
              /** For `staff`: the permission a user's role must hold (`inventory:write`). */
              permission: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              channels: Type.Optional(Type.Array(Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('in_app'), Type.Literal('push')]), { uniqueItems: true })),
              template: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
              transactional: Type.Optional(Type.Boolean()),
              enabled: Type.Optional(Type.Boolean()),
              /** Only for events whose payload field equals the value (or one of the list; null: the field is null). */
              when: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null(), Type.Array(Type.String())]))),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    returns: Type.Object(
      {
        /** How many days after delivery a line may be returned; 0: returns are not accepted. */
        windowDays: Type.Integer({ minimum: 0, maximum: 3650, default: 30 }),
      },
      { additionalProperties: false, default: {} },
    ),
    media: Type.Object(
      {
        /** Largest accepted upload, in bytes. */
        maxUploadBytes: Type.Integer({ minimum: 1024, default: 15 * 1024 * 1024 }),
        /** Widths of the responsive renditions written for each image (never wider than the original). */
        widths: Type.Array(Type.Integer({ minimum: 16, maximum: 8192 }), { minItems: 1, uniqueItems: true, default: [160, 480, 1024, 2048] }),
        /** Where the built-in local-disk storage keeps files (a plugin may provide another storage). */
        directory: Type.String({ minLength: 1, default: './.cartwright/media' }),
        /** URL path (or absolute URL of a CDN in front of it) under which stored files are served. */
        publicUrl: Type.String({ minLength: 1, default: '/media' }),
      },
      { additionalProperties: false, default: {} },
    ),
    search: Type.Object(
      {
        /** The search provider's id: core's `postgres` (default, also on the embedded database) or a plugin's (`elasticsearch`). */
        provider: Type.String({ minLength: 1, maxLength: 100, default: 'postgres' }),
        /** The catalog's language for stemming: a PostgreSQL text search configuration (`english`, `german`, `french`, `simple` for none…); a plugin maps it to its own analyser. */
        language: Type.String({ pattern: '^[a-z_]{1,63}$', default: 'english' }),
        /** How much relevance favours some products among equally good matches (0 turns one off; see docs/admin/search.md). */
        boosts: Type.Object(
          {
            inStock: Type.Number({ minimum: 0, maximum: 10, default: 0.5 }),
            featured: Type.Number({ minimum: 0, maximum: 10, default: 0.25 }),
            popularity: Type.Number({ minimum: 0, maximum: 10, default: 0.25 }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** What shoppers search for, kept for `/admin/search/queries` and the analytics: the query, its result count and filters, never who asked. */
        analytics: Type.Object(
          {
            enabled: Type.Boolean({ default: true }),
            retentionDays: Type.Integer({ minimum: 1, maximum: 3650, default: 180 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    webhooks: Type.Object(
      {
        /**
         * Accept `http://localhost` and `http://127.0.0.1` (any port) as subscription URLs, for
         * development and tests. Off: https only, and never a loopback, private or link-local address.
         */
        allowLoopback: Type.Boolean({ default: false }),
        /** Attempts of one delivery before it is dead-lettered (the schedule is in docs/admin/webhooks.md). */
        maxAttempts: Type.Integer({ minimum: 1, maximum: 12, default: 8 }),
        /** How long one request may take, connection and response included, in ms. */
        requestTimeout: Type.Integer({ minimum: 1_000, maximum: 60_000, default: 10_000 }),
        /** After a secret rotation, how long the old secret still signs too, in seconds. */
        rotationGracePeriod: Type.Integer({ minimum: 0, maximum: 604_800, default: 86_400 }),
      },
      { additionalProperties: false, default: {} },
    ),
    logging: Type.Object(
      {
        level: Type.Union(
          [
            Type.Literal('fatal'),
            Type.Literal('error'),
            Type.Literal('warn'),
            Type.Literal('info'),
            Type.Literal('debug'),
            Type.Literal('trace'),
            Type.Literal('silent'),
          ],
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    plugins: Type.Array(Type.Unknown(), { default: [] }),
  },
  { additionalProperties: false },
);

export type CoreConfig = Static<typeof CoreConfigSchema>;
