"""Interactive super-resolution jobs: what ``liifgan-web`` serves.

An :class:`SRSession` holds the models (the zoo plus bicubic), the photos
to pick from and the uploads, and runs one job at a time in a worker
thread: the chosen model's output (the same pixels as ``liifgan-upsample``,
:mod:`.upsampling`), bicubic at the same size and, when the photo is taken
as the ground truth and downscaled first, PSNR/SSIM/LPIPS of both.
Requests are checked (image, model, alpha, output size against
``max_pixels``) before any work and refused with a one-line
``ValueError``. No network access: models come from local weights only.
"""
import itertools
import math
import os.path as osp
import queue
import shutil
import tempfile
import threading
import time
from collections import OrderedDict

import cv2
from mmengine.config import Config

from liifgan_mm.evaluation.continuous_protocol import (bicubic_resize,
                                                       crop_border,
                                                       div2k_pair)
from liifgan_mm.evaluation.image_io import load_image, to_uint8
from liifgan_mm.models.editors.liifgan.output_size import (output_size,
                                                           scale_pair)
from .inference import check_knobs
from .upsampling import image_upsampler

BICUBIC = 'Bicubic'
KEEP_JOBS = 4  # finished jobs whose images are kept
KEEP_STATES = 16  # jobs whose state is kept
KEEP_MODELS = 2  # built models kept (a new alpha builds another one)
MAX_UPLOAD_BYTES = 64 << 20


def png_bytes(rgb):
    ok, buf = cv2.imencode('.png', rgb[..., ::-1])
    return buf.tobytes()


class SRSession:
    """Models, images and jobs of one demo server.

    Args:
        models (list[ZooModel]): from :func:`.model_zoo.zoo_models`.
        photos (dict[str, str]): name -> image path, to pick from.
        device (str): where models run.
        max_pixels (int): refuse larger outputs.
    """

    def __init__(self, models, photos, device='cpu', max_pixels=2**24):
        self.models = {m.name: m for m in models}
        self.photos = dict(photos)
        self.device = device
        self.max_pixels = max_pixels
        self.knobs = {}
        for m in self.models.values():
            if m.available:
                try:
                    self.knobs[m.name] = _knobs(m.config)
                except Exception as e:  # offered greyed out, with why
                    m.weights, m.reason = None, (
                        f'config {m.config} cannot be read: {e}')
        self.uploads = {}
        self.upload_dir = tempfile.mkdtemp(prefix='liifgan_web_')
        self.jobs = OrderedDict()
        self.speed = {}  # model -> seconds per output megapixel
        self._built = OrderedDict()
        self._metrics = None  # ImageMetrics, built on the first score
        self._lpips_error = None
        self._ids = itertools.count(1)
        self._queue = queue.Queue()
        self._lock = threading.Lock()
        threading.Thread(target=self._work, daemon=True).start()

    def close(self):
        shutil.rmtree(self.upload_dir, ignore_errors=True)

    def catalogue(self):
        """What the page offers: models (with whether they take alpha),
        photo names and the pixel limit."""
        models = [dict(name=BICUBIC, available=True, alpha=False)]
        for m in self.models.values():
            models.append(dict(name=m.name, available=m.available,
                               reason=m.reason, **self.knobs.get(m.name, {})))
        return dict(models=models, photos=sorted(self.photos),
                    max_pixels=self.max_pixels, device=self.device)

    def add_upload(self, filename, data):
        """Store and decode an uploaded image; ``{id, name, width,
        height}``. Raises ValueError when it is not a readable image."""
        name = osp.basename(str(filename or 'upload.png')) or 'upload.png'
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValueError(f'{name}: over {MAX_UPLOAD_BYTES >> 20} MB')
        ext = osp.splitext(name)[1].lower() or '.png'
        uid = f'u{next(self._ids)}'
        path = osp.join(self.upload_dir, uid + ext)
        with open(path, 'wb') as f:
            f.write(data)
        try:
            h, w = load_image(path).shape[:2]
        except ValueError:
            raise ValueError(f'{name}: cannot be read as an image '
                             '(not a PNG/JPEG/... file, or damaged)')
        self.uploads[uid] = (name, path)
        return dict(id=uid, name=name, width=w, height=h)

    def _image(self, ref):
        """``(display name, path)`` of ``upload:ID`` or ``photo:NAME``."""
        kind, _, key = str(ref).partition(':')
        table = dict(upload=self.uploads, photo={
            k: (k, p) for k, p in self.photos.items()}).get(kind, {})
        if key not in table:
            raise ValueError(f'no such image: {ref} (upload one or pick a '
                             'photo)')
        return table[key]

    def submit(self, req):
        """Check a request and queue it; returns the job id.

        ``req``: ``image`` (``upload:ID``/``photo:NAME``), ``model``,
        ``scale`` (s) or ``size`` ([H, W]), ``alpha`` (two-decoder
        models; None: the config's), ``from_gt`` (downscale the image by
        ``scale`` first and score the result against it).
        """
        name, path = self._image(req.get('image'))
        model = req.get('model') or BICUBIC
        if model != BICUBIC:
            if model not in self.models:
                raise ValueError(f'unknown model {model}')
            if not self.models[model].available:
                raise ValueError(f'{model}: {self.models[model].reason}')
        alpha = req.get('alpha')
        if alpha is not None:
            alpha = float(alpha)
            if not self.knobs.get(model, {}).get('alpha'):
                raise ValueError(f'alpha: {model} is not a two-decoder '
                                 'LIIF-GAN model')
            if not 0 <= alpha <= 1:
                raise ValueError(f'alpha must be in [0, 1], got {alpha:g}')
        scale, size = req.get('scale'), req.get('size')
        if (scale is None) == (size is None):
            raise ValueError('give a scale or an output size')
        from_gt = bool(req.get('from_gt'))
        if from_gt and (size is not None or len(set(scale_pair(scale))) > 1):
            raise ValueError('scoring against the photo needs one scale')
        gt = load_image(path)
        if from_gt:
            s = scale_pair(scale)[0]
            if min(gt.shape[:2]) < s:
                raise ValueError(f'a {gt.shape[0]}x{gt.shape[1]} photo '
                                 f'downscaled x{s:g} leaves no pixels')
            # the output is the photo's size (a few pixels less)
            output_size(gt.shape[:2], size=gt.shape[:2],
                        max_pixels=self.max_pixels)
            lr, gt = div2k_pair(gt, s)
            target = gt.shape[:2]
        else:
            lr, gt = gt, None
            target = output_size(lr.shape[:2], scale=scale, size=size,
                                 max_pixels=self.max_pixels)
        job = dict(id=f'j{next(self._ids)}', state='queued', phase='queued',
                   model=model, alpha=alpha, image=name, from_gt=from_gt,
                   width=target[1], height=target[0], input_width=lr.shape[1],
                   input_height=lr.shape[0], error=None, metrics=None,
                   submitted=time.time(), started=None, finished=None)
        with self._lock:
            self.jobs[job['id']] = job
            for old in list(self.jobs)[:-KEEP_STATES]:
                self.jobs.pop(old)
        self._queue.put((job, lr, gt, target, scale))
        return job['id']

    def status(self, job_id):
        """The job's public state (no images); KeyError when unknown."""
        job = self.jobs[job_id]
        out = {k: v for k, v in job.items() if k != 'png'}
        now = job['finished'] or time.time()
        out['elapsed'] = round(now - (job['started'] or now), 1)
        out['progress'] = self._progress(job)
        return out

    def image(self, job_id, which):
        """PNG bytes of ``result``, ``bicubic`` or ``input``."""
        return self.jobs[job_id]['png'][which]

    def _progress(self, job):
        """0..1 from the model's measured speed; None when not known."""
        if job['state'] == 'done':
            return 1.0
        sec = self.speed.get(job['model'])
        if job['phase'] != 'super-resolving' or sec is None:
            return None
        mpx = job['width'] * job['height'] / 1e6
        return round(min(0.95, (time.time() - job['started']) /
                         max(sec * mpx, 1e-3)), 3)

    def _work(self):
        while True:
            job, lr, gt, target, scale = self._queue.get()
            job['state'], job['started'] = 'running', time.time()
            try:
                self._run(job, lr, gt, target, scale)
                job['state'] = 'done'
            except Exception as e:  # shown in the page; keep serving
                job['state'] = 'error'
                job['error'] = f'{type(e).__name__}: {e}'
            job['finished'] = time.time()
            job['phase'] = job['state']
            with self._lock:  # free the images of old jobs
                done = [j for j in self.jobs.values() if 'png' in j]
                for old in done[:-KEEP_JOBS]:
                    old.pop('png', None)

    def _run(self, job, lr, gt, target, scale):
        job['phase'] = 'loading model'
        up = self._upsampler(job['model'], job['alpha'])
        job['phase'] = 'super-resolving'
        t0 = time.time()
        pred = up(lr, target)
        mpx = target[0] * target[1] / 1e6
        self.speed[job['model']] = (time.time() - t0) / mpx
        job['phase'] = 'bicubic'
        bic = bicubic_resize(lr, target)
        png = dict(result=png_bytes(to_uint8(pred)), bicubic=png_bytes(bic),
                   input=png_bytes(lr))
        if gt is not None:
            job['phase'] = 'scoring'
            job['metrics'] = self._score(pred, bic, gt, scale_pair(scale)[0])
        job['png'] = png

    def _upsampler(self, model, alpha):
        key = (model, alpha)
        if key not in self._built:
            zoo = self.models.get(model)
            self._built[key] = image_upsampler(
                zoo and zoo.config, zoo and zoo.weights, alpha=alpha,
                device=self.device)
            while len(self._built) > KEEP_MODELS:
                self._built.popitem(last=False)
        self._built.move_to_end(key)
        return self._built[key]

    def _score(self, pred, bic, gt, scale):
        """PSNR/SSIM/LPIPS of the model and of bicubic (DIV2K protocol:
        ``ceil(s) + 6`` border pixels shaved for PSNR/SSIM). Without
        offline LPIPS weights (extra ``offline``, or torchvision's AlexNet
        in the hub cache) LPIPS is left out, saying why."""
        from liifgan_mm.evaluation.image_metrics import ImageMetrics
        if self._metrics is None:
            self._metrics = ImageMetrics(device=self.device)
        border = crop_border('div2k', scale)
        out = dict(border=border, lpips_error=self._lpips_error)
        for name, img in (('model', pred), ('bicubic', bic)):
            try:
                vals = self._metrics(img.astype('float32'), gt, border)
            except (ImportError, OSError) as e:  # no LPIPS weights here
                self._lpips_error = out['lpips_error'] = (
                    f'LPIPS unavailable: {type(e).__name__}: {e}')
                self._metrics = ImageMetrics(lpips_net=None)
                vals = self._metrics(img.astype('float32'), gt, border)
            out[name] = {k: None if math.isnan(v) else round(v, 4)
                         for k, v in vals.items()}
        return out


def _knobs(config):
    """``{alpha: bool, alpha_default}`` of a model config."""
    cfg = Config.fromfile(config)
    try:
        check_knobs(cfg, alpha=0.5)
    except ValueError:
        return dict(alpha=False)
    head = cfg.model.generator.get('head', {})
    return dict(alpha=True, alpha_default=float(head.get('alpha', 1.0)))
