// The files of the build that pages load from rtc-server (the bundle, the chunks beside it and
// their source maps), for pages on any origin. A browser that takes gzip or brotli gets the file
// compressed, as the README counts its size: compressed once per version of the file and kept,
// since there are a few dozen such files and they change only with a build. Each encoding has
// its own ETag; a Range request is answered from the file itself.

import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Files remembered with their compressed forms; a build has about twenty. */
const MAX_CACHED = 64;

const BUNDLE_MISSING =
  'rtc-elements.js has not been built yet. Run `npm run build` (or start the server with `npm start`), then reload.\n';

/**
 * @typedef {object} Compressed
 * @property {string} version the file's modification time and size when it was read
 * @property {Promise<{ gzip: Buffer, br: Buffer }>} bodies
 */

/**
 * @param {string} distDir
 * @returns {(fileName: string, contentType: string, cacheControl?: string) => import('express').RequestHandler}
 */
export function buildFiles(distDir) {
  /** @type {Map<string, Compressed>} */
  const cache = new Map();

  /**
   * The file compressed both ways, read again when it has changed.
   * @param {string} fileName
   * @param {import('node:fs').Stats} stats
   */
  const compressed = (fileName, stats) => {
    const version = `${stats.mtimeMs}:${stats.size}`;
    let entry = cache.get(fileName);
    if (entry?.version !== version) {
      const bodies = readFile(path.join(distDir, fileName)).then(async (data) => {
        const [gzipped, brotlied] = await Promise.all([
          gzip(data, { level: zlib.constants.Z_BEST_COMPRESSION }),
          brotli(data, {
            params: {
              [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
              [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          }),
        ]);
        return { gzip: gzipped, br: brotlied };
      });
      entry = { version, bodies };
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(fileName, entry);
      // A file that could not be read is read again next time.
      bodies.catch(() => cache.get(fileName) === entry && cache.delete(fileName));
    }
    return entry.bodies;
  };

  return (fileName, contentType, cacheControl = 'no-cache') =>
    async (req, res, next) => {
      res.set({
        'Access-Control-Allow-Origin': '*',
        'Content-Type': contentType,
        'Cache-Control': cacheControl,
        Vary: 'Accept-Encoding',
      });
      // Brotli first whenever it is taken: browsers list it after gzip, and it is smaller.
      const encoding = req.headers.range ? undefined : ['br', 'gzip'].find((name) => req.acceptsEncodings(name) === name);
      if (encoding === 'br' || encoding === 'gzip') {
        try {
          const stats = await stat(path.join(distDir, fileName));
          if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
          const body = (await compressed(fileName, stats))[encoding];
          res.set({
            'Content-Encoding': encoding,
            ETag: `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}-${encoding}"`,
            'Last-Modified': stats.mtime.toUTCString(),
          });
          // send() answers 304 to a matching If-None-Match, and a HEAD without the body.
          res.send(body);
        } catch (error) {
          missing(error);
        }
        return;
      }
      res.sendFile(fileName, { root: distDir, cacheControl: false }, (error) => {
        if (error && !res.headersSent) missing(error);
      });

      /** @param {unknown} error */
      function missing(error) {
        const code = /** @type {NodeJS.ErrnoException} */ (error).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') return next(error);
        res.removeHeader('ETag');
        res.removeHeader('Content-Encoding');
        res.removeHeader('Last-Modified');
        res.set('Cache-Control', 'no-store');
        res.type('text/plain; charset=utf-8');
        if (fileName === 'rtc-elements.js') res.status(503).send(BUNDLE_MISSING);
        else res.status(404).send(`${fileName} not found\n`);
      }
    };
}
