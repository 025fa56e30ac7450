"""A local web page: super-resolve a photo to any size with the fidelity
knob, next to bicubic.

    liifgan-web                          # then open http://127.0.0.1:7860
    python tools/web_demo.py --photos data/photos/test --port 8000

Upload a photo or pick one (``--photos``, default the photo set's test
split); choose a model of the zoo (the
``Models`` of ``model-index.yml`` that have weights here, plus bicubic), a
scale (any number, e.g. 3.5) or an exact width x height, and alpha for
two-decoder LIIF-GAN models (D1 + alpha * D2: 0 is the L1 decoder, 1 the
model as trained). The result is shown beside bicubic with a before/after
divider and zoom, and can be downloaded; it has the very pixels
``liifgan-upsample`` writes for the same settings. Tick "score against
this photo" to downscale the photo by the scale first and see PSNR/LPIPS
of both (the DIV2K protocol of the table).

The server uses the standard library only (no extra packages), listens on
127.0.0.1 unless ``--host`` says otherwise, runs models on the CPU unless
``--device`` says otherwise, and never downloads: a model whose weights
are a URL is offered only when the file is already in a ``--weights-dir``.
Outputs over ``--max-pixels`` are refused with the reason. See
docs/web_demo.md.
"""
import argparse
import json
import os
import os.path as osp
import sys
from urllib.parse import unquote, urlparse

HERE = osp.dirname(osp.abspath(__file__))
# tools/ in the repo, liifgan_mm/.mim/tools installed: the index is beside
ROOT = osp.dirname(HERE)
PAGE = osp.join(HERE, 'web_demo.html')
DEFAULT_MAX_PIXELS = 2**24  # 16.8 MP (e.g. 4096 x 4096): a CPU's minutes
IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp')


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('--host', default='127.0.0.1',
                   help='address to listen on (default 127.0.0.1: this '
                   'machine only)')
    p.add_argument('--port', type=int, default=7860,
                   help='port (default 7860; 0: any free one)')
    p.add_argument('--photos', nargs='+', default=None, metavar='DIR',
                   help='folders of photos to pick from (default: the photo '
                   "set's test split, data/photos/test_crop and test, else "
                   'val_crop and val, those present)')
    p.add_argument('--index', default=osp.join(ROOT, 'model-index.yml'),
                   help='model-index.yml listing the models')
    p.add_argument('--weights-dir', nargs='+', default=None, metavar='DIR',
                   help='folders holding downloaded weights of URL rows '
                   "(default: torch's hub cache)")
    p.add_argument('--device', default='cpu', help='cpu (default), cuda')
    p.add_argument('--max-pixels', type=int, default=DEFAULT_MAX_PIXELS,
                   help='refuse outputs with more pixels (default 2**24)')
    args = p.parse_args(argv)
    if not 0 <= args.port <= 65535:
        p.error(f'--port must be in [0, 65535], got {args.port}')
    from liifgan_mm.utils import cli_checks
    try:
        cli_checks.device(args.device)
        cli_checks.whole_numbers(args, dict(max_pixels=1))
    except ValueError as e:
        p.error(str(e))
    if not osp.isfile(args.index):
        p.error(f'--index: no such file: {args.index}')
    if args.photos is None:
        base = osp.join(ROOT, 'data', 'photos')
        for split in ('test', 'val'):
            args.photos = [d for d in (osp.join(base, f'{split}_crop'),
                                       osp.join(base, split))
                           if osp.isdir(d)]
            if args.photos:
                break
    for d in args.photos:
        if not osp.isdir(d):
            p.error(f'--photos: no such folder: {d}')
    return args


def photo_table(folders):
    """``{name: path}`` of the images in ``folders`` (names made unique
    with the folder's name when two folders share one)."""
    out = {}
    for folder in folders:
        for n in sorted(os.listdir(folder)):
            if n.lower().endswith(IMAGE_EXTS):
                key = n if n not in out else f'{osp.basename(folder)}/{n}'
                out[key] = osp.join(folder, n)
    return out


def make_handler(session, page):
    """A request handler class serving ``page`` and the JSON API."""
    from http.server import BaseHTTPRequestHandler

    from liifgan_mm.apis.sr_session import MAX_UPLOAD_BYTES

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, fmt, *a):  # quiet: errors only
            if a and str(a[1])[:1] in '45':
                sys.stderr.write('liifgan-web: %s\n' % (fmt % a))

        def _send(self, code, body, ctype='application/json'):
            if not isinstance(body, bytes):
                body = json.dumps(body).encode()
            self.send_response(code)
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(body)))
            self.send_header('Cache-Control', 'no-store')
            self.end_headers()
            self.wfile.write(body)

        def _error(self, code, msg):
            self._send(code, dict(error=str(msg)))

        def do_GET(self):
            path = unquote(urlparse(self.path).path)
            parts = path.strip('/').split('/')
            try:
                if path in ('/', '/index.html'):
                    return self._send(200, page, 'text/html; charset=utf-8')
                if path == '/api/catalogue':
                    return self._send(200, session.catalogue())
                if parts[:2] == ['api', 'photo'] and len(parts) > 2:
                    name = '/'.join(parts[2:])
                    with open(session.photos[name], 'rb') as f:
                        return self._send(200, f.read(), _mime(name))
                if parts[:2] == ['api', 'job'] and len(parts) == 3:
                    return self._send(200, session.status(parts[2]))
                if parts[:2] == ['api', 'job'] and len(parts) == 4:
                    which = parts[3].rsplit('.', 1)[0]
                    return self._send(200, session.image(parts[2], which),
                                      'image/png')
            except KeyError:
                return self._error(404, f'not found (or expired): {path}')
            self._error(404, f'not found: {path}')

        def do_POST(self):
            path = urlparse(self.path).path
            n = int(self.headers.get('Content-Length') or 0)
            if n > MAX_UPLOAD_BYTES:
                self.close_connection = True
                return self._error(413, f'over {MAX_UPLOAD_BYTES >> 20} MB')
            body = self.rfile.read(n)
            try:
                if path == '/api/upload':
                    name = unquote(self.headers.get('X-Filename', ''))
                    return self._send(200, session.add_upload(name, body))
                if path == '/api/run':
                    req = json.loads(body or b'{}')
                    if not isinstance(req, dict):
                        raise ValueError('expected a JSON object')
                    return self._send(200, dict(job=session.submit(req)))
            except (ValueError, TypeError) as e:  # bad request: say why
                return self._error(400, e)
            except Exception as e:  # keep serving; the page shows it
                return self._error(500, f'{type(e).__name__}: {e}')
            self._error(404, f'not found: {path}')

    return Handler


def _mime(name):
    ext = osp.splitext(name)[1].lower()
    return {'.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.bmp': 'image/bmp',
            '.webp': 'image/webp', '.tif': 'image/tiff',
            '.tiff': 'image/tiff'}.get(ext, 'image/png')


def make_server(args):
    """``(server, session)``: bound, not yet serving."""
    from http.server import ThreadingHTTPServer

    from liifgan_mm.apis.model_zoo import default_weight_dirs, zoo_models
    from liifgan_mm.apis.sr_session import SRSession
    dirs = (args.weights_dir if args.weights_dir is not None else
            default_weight_dirs())
    models = zoo_models(args.index, dirs)
    session = SRSession(models, photo_table(args.photos), args.device,
                        args.max_pixels)
    with open(PAGE, 'rb') as f:
        page = f.read()
    server = ThreadingHTTPServer((args.host, args.port),
                                 make_handler(session, page))
    server.daemon_threads = True
    ready = sum(m.available for m in models)
    print(f'liifgan-web: {ready} of {len(models)} zoo models here, '
          f'{len(session.photos)} photos, device {args.device}',
          file=sys.stderr)
    return server, session


def main(argv=None):
    args = parse_args(argv)
    server, session = make_server(args)
    host, port = server.server_address[:2]
    print(f'liifgan-web: serving on http://{host}:{port}/ (Ctrl+C stops)',
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        session.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
