import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, SETTINGS, readConfig, type Setting } from '../../../server/config';

const rows = Object.entries(SETTINGS) as [string, Setting<unknown>][];
const ranged = rows.flatMap(([key, setting]) => {
  const range = /^([\d,]+) – ([\d,]+)$/.exec(setting.allowed);
  return range ? [{ key, env: setting.env, min: Number(range[1]!.replaceAll(',', '')), max: Number(range[2]!.replaceAll(',', '')) }] : [];
});

describe('the settings table', () => {
  it('names each environment variable once', () => {
    const names = rows.map(([, setting]) => setting.env);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every setting a documentation line and its allowed values', () => {
    for (const [, setting] of rows) {
      expect(setting.doc, setting.env).toMatch(/\S.*[.)]$/);
      expect(setting.allowed, setting.env).not.toBe('');
    }
  });

  it('reads nothing from an empty environment but the defaults', () => {
    expect(readConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it.each(ranged)('$env: the default $key lies within $min – $max', ({ key, min, max }) => {
    const value = DEFAULT_CONFIG[key as keyof typeof DEFAULT_CONFIG] as number;
    expect(value).toBeGreaterThanOrEqual(min);
    expect(value).toBeLessThanOrEqual(max);
  });

  // WORKERS above 1 needs REDIS_URL (see below).
  it.each(ranged.filter(({ env }) => env !== 'WORKERS'))('$env accepts $min and $max and sets $key', ({ key, env, min, max }) => {
    expect(readConfig({ [env]: String(min) })[key as keyof typeof DEFAULT_CONFIG]).toBe(min);
    expect(readConfig({ [env]: String(max) })[key as keyof typeof DEFAULT_CONFIG]).toBe(max);
  });

  it.each(ranged.flatMap(({ env, min, max }) => [[env, String(min - 1), min, max], [env, String(max + 1), min, max], [env, 'many', min, max], [env, '2.5', min, max]]))(
    'refuses %s=%s at start, naming the variable and the range %s – %s',
    (env, raw, min, max) => {
      expect(() => readConfig({ [env]: raw })).toThrow(ConfigError);
      expect(() => readConfig({ [env]: raw })).toThrow(`${env}=${JSON.stringify(raw)} is not valid: use a whole number from ${min} to ${max}.`);
    },
  );

  it.each([
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL="loud" is not valid: use fatal, error, warn, info, debug, trace or silent\.$/],
    ['LOG_FORMAT', 'xml', /^LOG_FORMAT="xml" is not valid: use pretty, json or auto\.$/],
    ['TRUST_PROXY', '10.0.0.1,proxy.example', /^TRUST_PROXY="10\.0\.0\.1,proxy\.example" is not valid: "proxy\.example" is not an address, a CIDR range, a hop count/],
    ['SANDBOX_ALLOW_ORIGINS', 'ftp://files.example', /^SANDBOX_ALLOW_ORIGINS contains "ftp:\/\/files\.example", which is not an http\(s\) origin\./],
    ['WORKERS', '2', /^WORKERS=2 is refused: this server keeps learners' state in the memory of one process .*Idempotency-Key answers and book export jobs.*Set REDIS_URL to share that state through Redis/],
    ['REDIS_URL', 'localhost:6379', /^REDIS_URL is not a Redis URL\. Use redis:\/\/host:port/],
  ])('refuses %s=%s, saying what it allows', (env, raw, message) => {
    expect(() => readConfig({ [env]: raw })).toThrow(message);
  });

  it('runs one process per core (at most 8) when WORKERS is unset and Redis holds the state, else one', () => {
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(readConfig(redis, 2).workers).toBe(2);
    expect(readConfig(redis, 1).workers).toBe(1);
    expect(readConfig(redis, 32).workers).toBe(8);
    expect(readConfig({ ...redis, WORKERS: '' }, 4).workers).toBe(4);
    // Set explicitly, WORKERS is what it says; without Redis, or with DATA_DIR (one process only), the default stays 1.
    expect(readConfig({ ...redis, WORKERS: '1' }, 4).workers).toBe(1);
    expect(readConfig({}, 4).workers).toBe(1);
    expect(readConfig({ ...redis, DATA_DIR: '/tmp/sandbox-data' }, 4).workers).toBe(1);
  });

  it('accepts WORKERS above 1 with REDIS_URL, and refuses it beside DATA_DIR (locked to one process)', () => {
    expect(readConfig({ WORKERS: '64', REDIS_URL: 'redis://127.0.0.1:6379' }).workers).toBe(64);
    expect(() => readConfig({ WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379', DATA_DIR: '/tmp/sandbox-data' })).toThrow(
      /^DATA_DIR with WORKERS=2 is refused: DATA_DIR is locked to one server process, and with REDIS_URL learners' state lives in Redis, not in DATA_DIR\. Unset DATA_DIR/,
    );
  });

  it.each([
    ['LOG_FORMAT', 'json', 'logFormat', 'json'],
    ['HOST', '0.0.0.0', 'host', '0.0.0.0'],
    ['DATA_DIR', '/var/lib/sandbox', 'dataDir', '/var/lib/sandbox'],
    ['REDIS_URL', 'redis://:secret@127.0.0.1:6380/2', 'redisUrl', 'redis://:secret@127.0.0.1:6380/2'],
    ['TRUST_PROXY', ' loopback , 10.0.0.0/8 ', 'trustProxy', ['loopback', '10.0.0.0/8']],
    ['SANDBOX_ALLOW_ORIGINS', 'https://api.example.org/path,http://10.0.0.5:8080', 'allowOrigins', ['https://api.example.org', 'http://10.0.0.5:8080']],
  ])('reads %s=%s into %s', (env, raw, key, value) => {
    expect(readConfig({ [env]: raw })[key as keyof typeof DEFAULT_CONFIG]).toEqual(value);
  });
});
