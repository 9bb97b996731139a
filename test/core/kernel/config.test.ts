import { expect } from 'chai';
import { ConfigError, createCommerce, definePlugin, Type, validateConfig } from '@cartwright/core';
import { rejectionOf } from '../../support/rejection.ts';

const paymentsPlugin = definePlugin({
  name: '@acme/plugin-payments',
  version: '1.0.0',
  options: Type.Object(
    { apiKey: Type.String({ minLength: 1 }), retries: Type.Integer({ minimum: 0, default: 3 }) },
    { additionalProperties: false },
  ),
  register() {},
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('fills in every default so the runtime config is complete', () => {
    const config = validateConfig({}, []);
    expect(config.http).to.deep.include({ port: 9000, host: '0.0.0.0', bodyLimit: 1_048_576 });
    expect(config.database.dataDir).to.equal('./.cartwright/data');
    expect(config.events.maxAttempts).to.equal(12);
    expect(config.jobs.enabled).to.equal(true);
    expect(config.logging.level).to.equal('info');
  });

  it('names the key path, expected type and actual type of a wrongly typed value', () => {
    const error = configError(() => validateConfig({ http: { port: '9000' as never } }, [], 'cartwright.config.ts'));
    expect(error.message).to.equal('Invalid configuration in cartwright.config.ts:\n  - http.port (core): expected integer, got string');
  });

  it('names an unknown key and lists the known ones', () => {
    const error = configError(() => validateConfig({ http: { prot: 80 } as never }, []));
    expect(error.message).to.equal(
      'Invalid configuration:\n  - http.prot (core): is not a known option (known: port, host, bodyLimit, trustProxy, shutdownTimeout, keepAliveTimeout, cors)',
    );
  });

  it('names the plugin and the key of a missing plugin option', () => {
    const error = configError(() => validateConfig({}, [paymentsPlugin({} as never)]));
    expect(error.message).to.equal('Invalid configuration:\n  - plugins[0].options.apiKey (plugin "@acme/plugin-payments"): is required but missing (expected string)');
  });

  it('names the expected type of every missing option, whatever its schema', () => {
    const shippingPlugin = definePlugin({
      name: '@acme/plugin-shipping',
      version: '1.0.0',
      options: Type.Object({
        account: Type.Object({ id: Type.String() }),
        countries: Type.Array(Type.String()),
        maxWeight: Type.Integer({ minimum: 1 }),
        mode: Type.Union([Type.Literal('live'), Type.Literal('sandbox')]),
        timeout: Type.Union([Type.Integer(), Type.String()]),
      }),
      register() {},
    });
    const error = configError(() => validateConfig({}, [shippingPlugin({ account: {} } as never)]));
    expect(error.issues).to.have.deep.members([
      { path: 'plugins[0].options.account.id', owner: '@acme/plugin-shipping', message: 'is required but missing (expected string)' },
      { path: 'plugins[0].options.countries', owner: '@acme/plugin-shipping', message: 'is required but missing (expected array)' },
      { path: 'plugins[0].options.maxWeight', owner: '@acme/plugin-shipping', message: 'is required but missing (expected integer)' },
      { path: 'plugins[0].options.mode', owner: '@acme/plugin-shipping', message: 'is required but missing (expected one of "live", "sandbox")' },
      { path: 'plugins[0].options.timeout', owner: '@acme/plugin-shipping', message: 'is required but missing (expected integer or string)' },
    ]);
  });

  it('names the plugin, key and type of an unknown or mistyped plugin option, all at once', () => {
    const error = configError(() =>
      validateConfig({ logging: { level: 'loud' as never } }, [paymentsPlugin({ apiKey: 'k', retries: 'many', colour: 'red' } as never)]),
    );
    expect(error.issues).to.deep.include.members([
      { path: 'logging.level', owner: 'core', message: 'expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"' },
      { path: 'plugins[0].options.retries', owner: '@acme/plugin-payments', message: 'expected integer, got string' },
      { path: 'plugins[0].options.colour', owner: '@acme/plugin-payments', message: 'is not a known option (known: apiKey, retries)' },
    ]);
  });

  it('fills plugin option defaults without mutating the object the merchant wrote', () => {
    const options = { apiKey: 'secret' };
    const config = validateConfig({}, [paymentsPlugin(options)]);
    expect(config.plugins[0]!.options).to.deep.equal({ apiKey: 'secret', retries: 3 });
    expect(options).to.deep.equal({ apiKey: 'secret' });
  });

  it('rejects a database URL that is not PostgreSQL', () => {
    const error = configError(() => validateConfig({ database: { url: 'mysql://localhost/shop' } }, []));
    expect(error.issues[0]).to.include({ path: 'database.url', owner: 'core' });
  });

  it('refuses CORS for every origin together with credentials', () => {
    const error = configError(() => validateConfig({ http: { cors: { origins: ['*'], credentials: true } } }, []));
    expect(error.issues).to.deep.equal([
      { path: 'http.cors.origins', owner: 'core', message: 'cannot contain "*" when http.cors.credentials is true; list the allowed origins' },
    ]);
  });

  it('refuses to create a store from an invalid config', async () => {
    const caught = await rejectionOf(createCommerce({ http: { port: -1 } }));
    expect(caught).to.be.instanceOf(ConfigError);
    expect(caught.message).to.include('http.port (core): must be >= 0');
  });
});
