"""liifgan-web (tools/web_demo.py) driven in a real headless browser:
Debian's chromium and chromedriver (tools/setup_browser.sh installs them)
through selenium, never a browser or driver download."""
import importlib.util
import json
import os
import shutil
import threading
import urllib.error
import urllib.request

import cv2
import numpy as np
import pytest

from tests.conftest import REPO
from tests.tools.test_benchmark_table import load_tool

MODEL = 'liifgan_edsr-c32b8_1xb8-750it_photos'  # quarter-size, shipped
CFG = str(REPO / 'configs/liifgan/small/liifgan_edsr-c32b8_1xb8-750it_'
          'photos.py')
CKPT = str(REPO / 'checkpoints/photos-small/liifgan.pth')
WAIT_S = 90


def _find_browser():
    """``(chromium, chromedriver)`` paths, or a pytest skip saying why."""
    if importlib.util.find_spec('selenium') is None:
        pytest.skip('selenium is not installed (extra `tests`)')
    chrome = next(filter(None, map(shutil.which, (
        'chromium', 'chromium-browser', 'google-chrome'))), None)
    driver = shutil.which('chromedriver')
    if not chrome or not driver:
        pytest.skip('no chromium/chromedriver on PATH: bash '
                    'tools/setup_browser.sh installs them (apt-get)')
    return chrome, driver


@pytest.fixture(scope='module')
def browser():
    chrome, driver_path = _find_browser()
    os.environ['SE_OFFLINE'] = 'true'  # Selenium Manager: never download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for a in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage',
              '--disable-gpu', '--window-size=1280,1000'):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    drv = webdriver.Chrome(service=Service(driver_path), options=opts)
    yield drv
    drv.quit()


@pytest.fixture(scope='module')
def server(photo_dir, tmp_path_factory, offline_env):
    """The demo on a free port, in this process (the first model build is
    what takes time; a second interpreter would double the imports)."""
    tool = load_tool('web_demo')
    empty = tmp_path_factory.mktemp('no_weights')
    args = tool.parse_args(['--port', '0', '--photos', str(photo_dir),
                            '--weights-dir', str(empty),
                            '--max-pixels', str(600 * 600)])
    srv, session = tool.make_server(args)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{srv.server_address[1]}', session
    srv.shutdown()
    srv.server_close()
    session.close()


def _state(drv):
    return drv.execute_script('return document.body.dataset.state')


def _wait(drv, *states):
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(drv, WAIT_S).until(lambda d: _state(d) in states)
    return _state(drv)


def _set(drv, elem_id, value):
    drv.execute_script(
        'const e = document.getElementById(arguments[0]); e.value = '
        'arguments[1]; e.dispatchEvent(new Event("input"))', elem_id,
        str(value))


def _no_script_errors(drv):
    """No JavaScript error in the console (the bad upload's 400 is
    expected)."""
    errors = [e['message'] for e in drv.get_log('browser')
              if e['level'] == 'SEVERE'
              and 'Failed to load resource' not in e['message']]
    assert not errors


def _get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def test_page_upsamples_as_the_cli_does(browser, server, photo_dir,
                                        tmp_path):
    url, _ = server
    drv = browser
    drv.get(url)
    assert _wait(drv, 'ready', 'error') == 'ready'

    # a text file named .png: an error in the page, the server goes on
    bad = tmp_path / 'notes.png'
    bad.write_text('not an image\n')
    drv.find_element('id', 'upload').send_keys(str(bad))
    assert _wait(drv, 'error', 'uploaded') == 'error'
    err = drv.find_element('id', 'error')
    assert err.is_displayed()
    assert 'notes.png: cannot be read as an image' in err.text
    assert drv.find_element('id', 'run').get_attribute('disabled')

    # a real photo (non-square: catches a width/height mix-up)
    photo = tmp_path / 'coffee.png'
    cv2.imwrite(str(photo), cv2.imread(str(photo_dir / 'coffee.png'))[:60])
    drv.execute_script('document.body.dataset.state = "picking"')
    drv.find_element('id', 'upload').send_keys(str(photo))
    assert _wait(drv, 'uploaded', 'error') == 'uploaded'
    assert not drv.find_element('id', 'error').is_displayed()
    from selenium.webdriver.support.ui import Select
    Select(drv.find_element('id', 'model')).select_by_value(MODEL)
    _set(drv, 'scale', 3.5)
    _set(drv, 'alpha', 0.5)
    assert drv.find_element('id', 'alpha-value').text == '0.50'
    drv.find_element('id', 'run').click()
    assert _wait(drv, 'done', 'error') == 'done', \
        drv.find_element('id', 'error').text
    shot = tmp_path / 'web_demo.png'
    assert drv.save_screenshot(str(shot))
    assert cv2.imread(str(shot)).shape[1] == 1280

    # the result's size, in the page and in the file behind "download"
    size = drv.execute_script(
        'const r = document.getElementById("result");'
        'return [r.naturalWidth, r.naturalHeight]')
    assert size == [round(144 * 3.5), round(60 * 3.5)]  # 504 x 210
    assert drv.find_element('id', 'out-size').text == '504 × 210'
    href = drv.find_element('id', 'download').get_attribute('href')
    page_png = cv2.imdecode(np.frombuffer(_get(href), np.uint8),
                            cv2.IMREAD_COLOR)

    # liifgan-upsample with the same settings writes the same pixels
    cli_png = tmp_path / 'cli.png'
    code = load_tool('upsample').main([
        str(photo), '-o', str(cli_png), '--scale', '3.5', '--alpha', '0.5',
        '--config', CFG, '--checkpoint', CKPT, '--device', 'cpu'])
    assert code == 0
    assert np.array_equal(page_png, cv2.imread(str(cli_png)))
    _no_script_errors(drv)


def test_scores_and_pixel_limit(browser, server):
    url, session = server
    drv = browser
    drv.get(url)
    assert _wait(drv, 'ready') == 'ready'
    from selenium.webdriver.support.ui import Select
    Select(drv.find_element('id', 'photo')).select_by_value('chelsea.png')
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(drv, WAIT_S).until(
        lambda d: 'chelsea.png' in d.find_element('id', 'image-info').text)

    # over --max-pixels (600 x 600 here): refused in the page, with why
    _set(drv, 'scale', 30)
    note = drv.find_element('id', 'size-note').text
    assert 'over this server\'s limit of 360,000' in note
    assert drv.find_element('id', 'run').get_attribute('disabled')
    # ... and by the server, whatever a client sends
    req = json.dumps(dict(image='photo:chelsea.png', model=MODEL,
                          scale=30)).encode()
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(
            url + '/api/run', data=req, method='POST'), timeout=30)
    assert e.value.code == 400
    assert 'over the limit of 360,000' in json.loads(e.value.read())['error']

    # the photo as ground truth: downscaled x3, back up, scored
    _set(drv, 'scale', 3)
    drv.find_element('id', 'fromgt').click()
    drv.find_element('id', 'run').click()
    assert _wait(drv, 'done', 'error') == 'done', \
        drv.find_element('id', 'error').text
    rows = drv.find_element('id', 'scores').text.splitlines()
    assert rows[0].startswith('against the photo')
    model_row = rows[1].split()
    psnr, lpips = float(model_row[-3]), float(model_row[-1])
    assert 15 < psnr < 50 and 0 <= lpips < 1
    job = session.status(drv.execute_script(
        'return document.getElementById("download").href').split('/')[-2])
    assert job['metrics']['model']['PSNR'] == pytest.approx(psnr, abs=0.01)
    assert (job['input_width'], job['input_height']) == (48, 48)
    assert (job['width'], job['height']) == (144, 144)
    _no_script_errors(drv)
